import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readJsonlAll, TaskPlanPair } from '@lam/schema';
import { afterEach, describe, expect, it } from 'vitest';
import { parseHelpPage } from './help-html';
import { runExtraction } from './run';
import { gerundToVerb, taskFromHeading, toCandidate } from './task-plan';

const HELP = join(import.meta.dirname, '..', '__fixtures__', 'help');
const dirs: string[] = [];
function tmp(): string {
  const d = mkdtempSync(join(tmpdir(), 'lam-dataflow-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('parseHelpPage on real LibreOffice help', () => {
  it('finds the numbered procedures of table_insert.html with menu paths in bold', () => {
    const html = readFileSync(join(HELP, 'text/swriter/guide/table_insert.html'), 'utf8');
    const procedures = parseHelpPage(html, { app: 'writer' });
    expect(procedures.map((p) => p.heading)).toEqual([
      'To Insert a Table From a Toolbar',
      'To Insert a Table With a Menu Command',
      'To Insert a Table From a Calc Spreadsheet',
      'Drag-and-Drop a Cell Range From a Calc Spreadsheet',
    ]);
    expect(procedures[1]?.title).toBe('Inserting Tables');
    expect(procedures[1]?.steps).toEqual([
      'Place the cursor in your document where you want to insert the table.',
      'Choose **Table - Insert Table**.',
      'In the **Size** area, enter the number of rows and columns.',
      'Select the options that you want, click **OK**.',
    ]);
    // "do one of the following:" takes the first option of the list after it.
    expect(procedures[2]?.steps.at(-1)).toMatch(
      /^In your text document, do one of the following: Choose \*\*Edit - Paste\*\*\./,
    );
  });
});

describe('task phrasing', () => {
  it('turns headings into requests', () => {
    expect(taskFromHeading('To Insert a Table With a Menu Command')).toBe(
      'Insert a table with a menu command',
    );
    expect(taskFromHeading('Creating a Default Template')).toBe('Create a default template');
    expect(taskFromHeading('Moving and Copying Text in Documents')).toBe('Move and copy text in documents');
    expect(taskFromHeading('Microsoft Office and LibreOffice Terms')).toBeUndefined();
    expect(['Setting', 'Adding', 'Using', 'Formatting', 'Editing'].map(gerundToVerb)).toEqual([
      'Set',
      'Add',
      'Use',
      'Format',
      'Edit',
    ]);
  });

  it('drops procedures about other applications and steps left on a colon', () => {
    const base = { title: 't', heading: 'To Insert a Slide' };
    expect(toCandidate({ ...base, steps: ['Choose **Slide - New Slide**.'] }, 'writer')).toMatchObject({
      ok: false,
      reason: 'irrelevant',
    });
    const colon = {
      title: 't',
      heading: 'To Copy Text',
      steps: ['Select the text.', 'Do one of the following:'],
    };
    expect(toCandidate(colon, 'writer')).toMatchObject({ ok: false, reason: 'format' });
  });
});

describe('runExtraction', () => {
  it('writes TaskPlanPairs from the help files, then resumes without duplicates', async () => {
    const out = join(tmp(), 'pairs.jsonl');
    const seen: string[] = [];
    const first = await runExtraction({ helpDir: HELP, out, onProgress: (p) => seen.push(p.file) });
    expect(first.files).toBe(4);
    expect(seen).toHaveLength(4);
    expect(first.written).toBe(11);
    expect(first.byApp).toEqual({ writer: 10, calc: 1 });
    const { records } = await readJsonlAll(out, { schema: TaskPlanPair });
    expect(records).toHaveLength(11);
    const menu = records.find((p) => p.task === 'Insert a table with a menu command');
    expect(menu).toMatchObject({
      app: 'writer',
      source: 'docs',
      plan: [
        '1. Place the cursor in your document where you want to insert the table.',
        '2. Choose **Table - Insert Table**.',
        '3. In the **Size** area, enter the number of rows and columns.',
        '4. Select the options that you want, click **OK**.',
      ],
      metadata: { helpFile: 'text/swriter/guide/table_insert.html', anchor: 'hd_id3153135' },
    });
    expect(records.find((p) => p.task === 'Enter formulas')).toMatchObject({
      app: 'calc',
      metadata: { helpFile: 'text/scalc/guide/formula_enter.html' },
    });
    // The Calc-spreadsheet procedure of a Writer page is filtered as not about Writer.
    expect(records.some((p) => /spreadsheet/i.test(p.task))).toBe(false);
    expect(new Set(records.map((p) => p.taskId)).size).toBe(11);

    const again = await runExtraction({ helpDir: HELP, out, onProgress: null });
    expect(again).toMatchObject({ processed: 0, skipped: 4, written: 0, total: 11 });
  });

  it('says where to find the help when the folder has none', async () => {
    await expect(runExtraction({ helpDir: tmp(), out: join(tmp(), 'x.jsonl') })).rejects.toThrow(
      /No help pages under .*apt-get install libreoffice-help-en-us/,
    );
  });
});
