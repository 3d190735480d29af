import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHelpPage } from '../extract/help-html';
import { normaliseStep } from '../extract/task-plan';
import { clauseIntent, keysOf, namedObjects, splitMenuPath, stepIntents } from './intents';

const LIVE = join(import.meta.dirname, '..', '__fixtures__', 'help-live', 'text', 'swriter', 'guide');

/** The steps of a procedure of a real help page, as stage 1 writes them. */
function stepsOf(file: string, heading: RegExp): string[] {
  const page = parseHelpPage(readFileSync(join(LIVE, file), 'utf8'), { app: 'writer' });
  const procedure = page.find((p) => heading.test(p.heading));
  if (procedure === undefined)
    throw new Error(`no procedure ${heading} in ${file}: ${page.map((p) => p.heading).join(' | ')}`);
  return procedure.steps.map(normaliseStep);
}

const actions = (step: string) => stepIntents(step).filter((i) => i.kind !== 'note');

describe('stepIntents on real help steps', () => {
  it('reads a menu path, a tab, alternatives in quotes and OK (pageorientation.html)', () => {
    const steps = stepsOf('pageorientation.html', /all pages/i);
    expect(steps.flatMap(actions)).toEqual([
      { kind: 'menu', path: ['Format', 'Page Style'], clause: 'Choose **Format - Page Style**' },
      { kind: 'click', target: 'Page', role: 'tab', clause: 'Click the **Page** tab' },
      expect.objectContaining({ kind: 'click', target: 'Portrait', options: ['Portrait', 'Landscape'] }),
      { kind: 'click', target: 'OK', clause: 'Click **OK**' },
    ]);
  });

  it('reads a key chord and the selection of the task text (page_break.html)', () => {
    const steps = stepsOf('page_break.html', /^to insert a manual page break/i);
    expect(steps.flatMap(actions)).toEqual([
      expect.objectContaining({ kind: 'select', target: 'cursor' }),
      expect.objectContaining({ kind: 'key', keys: '^{ENTER}' }),
    ]);
  });

  it('keeps a description after an action as a note, not an action (table_cellmerge.html)', () => {
    const steps = stepsOf('table_cellmerge.html', /split/i);
    const intents = steps.flatMap((s) => stepIntents(s));
    expect(intents.filter((i) => i.kind === 'menu')).toEqual([
      expect.objectContaining({ path: ['Table', 'Split Cells'] }),
    ]);
    expect(intents.some((i) => i.kind === 'note' && /dialog allows/i.test(i.clause))).toBe(true);
  });

  it('refuses a right-click on a list entry as a gesture (page_break.html)', () => {
    const steps = stepsOf('page_break.html', /before a table/i);
    expect(stepIntents(steps[0] as string)[0]).toMatchObject({ kind: 'unsupported', reason: 'gesture' });
  });
});

describe('clauseIntent', () => {
  it('turns check box wording into a wanted state', () => {
    expect(clauseIntent('Clear the **Break** check box')).toMatchObject({
      kind: 'click',
      target: 'Break',
      want: false,
    });
    expect(clauseIntent('Mark **Always create backup copy**')).toMatchObject({
      want: true,
      role: 'check-box',
    });
    expect(
      clauseIntent('Remove the check mark from **Print automatically inserted blank pages**'),
    ).toMatchObject({
      want: false,
    });
    expect(clauseIntent('ensure that **While Typing** is selected')).toMatchObject({
      target: 'While Typing',
      want: true,
    });
  });

  it('finds what to type and where', () => {
    expect(clauseIntent('Type "Quotation" in the **Name** box')).toMatchObject({
      kind: 'type',
      text: 'Quotation',
      into: 'Name',
    });
    expect(
      clauseIntent('Type a name for the variable in the **Name** box, for example Reminder'),
    ).toMatchObject({
      kind: 'type',
      text: 'Reminder',
      into: 'Name',
    });
    // "to insert" here belongs to "that you want", not a purpose to drop with the example after it.
    expect(
      clauseIntent('Type the calculation that you want to insert, for example, =10000/12'),
    ).toMatchObject({ kind: 'type', text: '=10000/12' });
    expect(clauseIntent('Enter a password of at least five characters')).toMatchObject({
      kind: 'unsupported',
    });
  });

  it('says why a clause cannot be replayed', () => {
    expect(clauseIntent('Do one of the following: ...')).toMatchObject({ reason: 'alternatives' });
    expect(clauseIntent('Press F6 until the focus is on the toolbar')).toMatchObject({ reason: 'loop' });
    expect(clauseIntent('Drag the item to the document')).toMatchObject({ reason: 'gesture' });
    expect(clauseIntent('Double-click the desired character style in the Styles window')).toMatchObject({
      reason: 'vague-target',
    });
    expect(clauseIntent('Select the options that you want')).toMatchObject({ kind: 'note' });
  });

  it('reads a button named like a key as the button, and a chord as keys', () => {
    expect(clauseIntent('Click **Insert**')).toMatchObject({ kind: 'click', target: 'Insert' });
    expect(clauseIntent('Click **Delete**')).toMatchObject({ kind: 'click', target: 'Delete' });
    expect(clauseIntent('Press **Ctrl+C**')).toMatchObject({ kind: 'key', keys: '^c' });
  });

  it('drops the purpose of a menu command', () => {
    expect(clauseIntent('Choose Edit - Find & Replace to open the Find & Replace dialog')).toMatchObject({
      kind: 'menu',
      path: ['Edit', 'Find & Replace'],
    });
  });
});

describe('helpers', () => {
  it('splits menu paths with the help spacing quirks', () => {
    expect(splitMenuPath('Tools -AutoCorrect -AutoCorrect Options')).toEqual([
      'Tools',
      'AutoCorrect',
      'AutoCorrect Options',
    ]);
    expect(splitMenuPath('Tools - Options- LibreOffice Writer - Print')).toEqual([
      'Tools',
      'Options',
      'LibreOffice Writer',
      'Print',
    ]);
    expect(splitMenuPath('File – Save As')).toEqual(['File', 'Save As']);
    expect(splitMenuPath('Track Changes')).toEqual(['Track Changes']);
  });

  it('writes keys in send_keys syntax', () => {
    expect(keysOf('Ctrl+Shift+F10')).toBe('^+{F10}');
    expect(keysOf('the Backspace key')).toBe('{BACKSPACE}');
    expect(keysOf('Enter')).toBe('{ENTER}');
    expect(keysOf('Ctrl+Alt')).toBeUndefined();
  });

  it('collects bold and quoted objects', () => {
    expect(namedObjects('select “Portrait” or **Landscape**, then "OK".')).toEqual([
      'Portrait',
      'Landscape',
      'OK',
    ]);
  });
});
