import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFlatText } from '@lam/grounding/desktop';
import { describe, expect, it } from 'vitest';
import { chooseTarget, concreteRequest, readPlan } from './planner';
import { defaultTemplatesDir } from './templates';

const paragraphs = (file: string) => {
  const path = join(defaultTemplatesDir(), file);
  return parseFlatText(readFileSync(path, 'utf8'), path).paragraphs;
};

describe('readPlan', () => {
  it('reads every step of a replayable plan', () => {
    const read = readPlan([
      '1. Select the paragraph(s) that you want to add bullets to.',
      '2. On the **Formatting** Bar, click the **Toggle Unordered List** icon (Shift+F12).',
    ]);
    expect('ok' in read).toBe(false);
    if (!('ok' in read)) {
      expect(read.intents[0]).toEqual([expect.objectContaining({ kind: 'select', target: 'paragraph' })]);
      expect(read.intents[1]?.filter((i) => i.kind !== 'note')).toEqual([
        expect.objectContaining({ kind: 'click', target: 'Toggle Unordered List', role: 'icon' }),
      ]);
    }
  });

  it('rejects a plan that prints, with the step and the reason', () => {
    expect(readPlan(['1. Choose **File - Print**.', '2. Click **OK**.'])).toMatchObject({
      ok: false,
      reason: 'outside-app',
      step: 1,
      detail: expect.stringMatching(/File - Print leaves the document/),
    });
  });

  it('rejects a plan that only describes', () => {
    expect(readPlan(['1. Conditional text: displays text A if the condition is true.'])).toMatchObject({
      ok: false,
      reason: 'no-action',
    });
  });

  it('names the first clause it cannot replay', () => {
    expect(readPlan(['1. Choose **Format - Character**.', '2. Drag the frame to the margin.'])).toMatchObject(
      {
        reason: 'gesture',
        step: 2,
      },
    );
  });
});

describe('chooseTarget', () => {
  it('picks text that occurs once, of the kind the task needs', () => {
    // "Region" also occurs in the heading "Regional Sales", so a cell of its own is taken.
    expect(chooseTarget(paragraphs('table.fodt'), ['table'], 'Split cells')).toEqual({
      kind: 'table',
      text: '1200',
    });
    expect(chooseTarget(paragraphs('list.fodt'), ['paragraph'], 'Add bullets')).toEqual({
      kind: 'list',
      text: 'Laptop and charger',
    });
    expect(chooseTarget(paragraphs('handbook.fodt'), ['heading'], 'Promote a heading')).toEqual({
      kind: 'heading',
      text: 'Introduction',
    });
    const phrase = chooseTarget(paragraphs('report.fodt'), ['text'], 'Apply a background to text characters');
    expect(phrase?.kind).toBe('text');
    const all = paragraphs('report.fodt')
      .map((p) => p.text)
      .join('\n');
    expect(all.split(phrase?.text as string)).toHaveLength(2);
    expect(chooseTarget(paragraphs('report.fodt'), [], 'Change icon size')).toBeUndefined();
  });

  it('makes the request concrete', () => {
    expect(concreteRequest('Split cells', { kind: 'table', text: 'North' }, [])).toBe(
      'Split cells, on the table cell "North".',
    );
    expect(concreteRequest('Insert a variable.', undefined, ['Hide', '1'])).toBe(
      'Insert a variable, entering "Hide", "1".',
    );
  });
});
