import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSpreadsheet, readTextDocument } from '@lam/grounding/desktop';
import { launchChromium } from '@lam/grounding/web';
import { LAM_ValidationError } from '@lam/schema';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAM_StateReaderError } from '../errors';
import { type CheckerSpec, createChecker, defineChecker, textMatches } from './checkers';
import { createPageReader } from './page-reader';
import type { StateReader } from './state';

const fixtures = join(import.meta.dirname, '__fixtures__');
const doc: StateReader = { textDocument: () => readTextDocument(join(fixtures, 'quarterly.fodt')) };
const book: StateReader = { spreadsheet: () => readSpreadsheet(join(fixtures, 'budget.fods')) };
const check = (spec: CheckerSpec, state: StateReader) => createChecker(spec).check(state);

describe('textMatches', () => {
  it('contains by default, without case; equals, contains and matches combine', () => {
    expect(textMatches('Quarterly Report', 'quarterly')).toBe(true);
    expect(textMatches('Quarterly Report', { equals: ' quarterly report ' })).toBe(true);
    expect(textMatches('Quarterly Report', { equals: 'quarterly report', caseSensitive: true })).toBe(false);
    expect(textMatches('Total: 1280.5', { contains: 'total', matches: '\\d+\\.5$' })).toBe(true);
    expect(textMatches('Total: 1280', { matches: '\\d+\\.5$' })).toBe(false);
  });
});

describe('document checkers on files read by the desktop backend', () => {
  it('checks the text of a document', async () => {
    expect((await check({ kind: 'document-text', text: 'grew twelve percent' }, doc)).pass).toBe(true);
    const missing = await check({ kind: 'document-text', text: 'losses' }, doc);
    expect(missing).toMatchObject({ pass: false, checker: 'document-text(contains "losses")' });
    expect(missing.reason).toContain('does not satisfy');
    expect((await check({ kind: 'document-text', text: 'losses', present: false }, doc)).pass).toBe(true);
  });

  it('checks the formatting of the runs that cover a text', async () => {
    expect((await check({ kind: 'document-format', text: 'twelve percent', bold: true }, doc)).pass).toBe(
      true,
    );
    expect(
      (
        await check(
          { kind: 'document-format', text: 'flat', italic: true, color: '#C9211E', bold: false },
          doc,
        )
      ).pass,
    ).toBe(true);
    const partly = await check({ kind: 'document-format', text: 'grew twelve', bold: true }, doc);
    expect(partly.pass).toBe(false);
    expect(partly.reason).toContain('"Revenue grew "');
    expect(partly.reason).toContain('bold is false, not true');
    const heading = await check(
      {
        kind: 'document-format',
        text: 'Quarterly Report',
        style: 'Heading 1',
        size: 18,
        font: 'liberation sans',
      },
      doc,
    );
    expect(heading.pass).toBe(true);
    expect((await check({ kind: 'document-format', text: 'Revenue', alignment: 'center' }, doc)).pass).toBe(
      true,
    );
    const absent = await check({ kind: 'document-format', text: 'Summary', bold: true }, doc);
    expect(absent).toMatchObject({ pass: false, reason: 'the text "Summary" is not in the document' });
  });

  it('checks the page orientation', async () => {
    expect((await check({ kind: 'document-page', orientation: 'landscape' }, doc)).pass).toBe(true);
    const r = await check({ kind: 'document-page', orientation: 'portrait' }, doc);
    expect(r).toMatchObject({ pass: false, reason: 'the page orientation is landscape, not portrait' });
  });

  it('checks cell values, formulas and formatting', async () => {
    expect(
      (await check({ kind: 'cell', cell: 'B4', value: 1280.5, formula: { contains: 'SUM(B2:B3)' } }, book))
        .pass,
    ).toBe(true);
    expect((await check({ kind: 'cell', cell: 'b4', value: 1280, tolerance: 1 }, book)).pass).toBe(true);
    const wrong = await check({ kind: 'cell', sheet: 'Budget', cell: 'B3', value: 90 }, book);
    expect(wrong).toMatchObject({ pass: false, reason: 'Budget.B3: its value is 80.5, not 90' });
    expect((await check({ kind: 'cell', cell: 'A1', bold: true, text: { equals: 'item' } }, book)).pass).toBe(
      true,
    );
    expect((await check({ kind: 'cell', sheet: 'Notes', cell: 'A1', value: 'Reviewed' }, book)).pass).toBe(
      true,
    );
    const noSheet = await check({ kind: 'cell', sheet: 'Summary', cell: 'A1', value: 1 }, book);
    expect(noSheet.reason).toContain('sheets: Budget, Notes');
    const empty = await check({ kind: 'cell', cell: 'D9', value: 5 }, book);
    expect(empty).toMatchObject({ pass: false, reason: 'Budget.D9: its value is null, not 5' });
  });

  it("checks a table's size and the text and formatting of its cells", async () => {
    const schedule: StateReader = { textDocument: () => readTextDocument(join(fixtures, 'schedule.fodt')) };
    const pass = async (spec: CheckerSpec) => {
      const r = await check(spec, schedule);
      expect(r.pass, `${r.checker}: ${r.reason}`).toBe(true);
    };
    const fail = async (spec: CheckerSpec, reason: string) => {
      const r = await check(spec, schedule);
      expect(r.pass).toBe(false);
      expect(r.reason).toBe(reason);
    };
    await pass({ kind: 'document-table', rows: 3, columns: 3 });
    await pass({ kind: 'document-table', table: 'totals', rows: 1, columns: 2 });
    await pass({ kind: 'document-table-cell', cell: 'c2', text: { equals: 'May 3' } });
    await pass({ kind: 'document-table-cell', table: 1, cell: 'B1', text: { equals: 'Total' } });
    await pass({ kind: 'document-table-cell', cell: 'A1', bold: true });
    await pass({ kind: 'document-table-cell', cell: 'A2', text: 'budget', bold: false });
    expect(
      (await check({ kind: 'document-table-cell', table: 'Owners', cell: 'C2' }, schedule)).checker,
    ).toBe('document-table-cell(Owners.C2)');
    await fail(
      { kind: 'document-table', rows: 2, columns: 4 },
      'table "Owners": it has 3 rows, not 2; it has 3 columns, not 4',
    );
    await fail(
      { kind: 'document-table-cell', cell: 'C3', text: { equals: 'June 1' } },
      'C3 of table "Owners": its text "" does not satisfy "equals "June 1""',
    );
    await fail(
      { kind: 'document-table-cell', cell: 'C1', bold: true },
      'C1 of table "Owners": "Due": bold is false, not true',
    );
    await fail({ kind: 'document-table-cell', cell: 'C3', bold: true }, 'C3 of table "Owners": it is empty');
    await fail(
      { kind: 'document-table-cell', cell: 'D1' },
      'table "Owners" has no cell D1: it has 3 rows and 3 columns',
    );
    await fail(
      { kind: 'document-table', table: 'Costs' },
      'there is no table "Costs"; the document\'s tables: "Owners" (3 × 3), "Totals" (1 × 2)',
    );
    expect(await check({ kind: 'document-table' }, doc)).toMatchObject({
      pass: false,
      reason: 'the document has no table',
    });
    // Specs are validated: a cell is an A1 reference.
    expect(() => createChecker({ kind: 'document-table-cell', cell: 'B0' })).toThrow(LAM_ValidationError);
  });

  it('reads a .docx saved by LibreOffice through the same reader', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lam-eval-docx-'));
    try {
      execFileSync(
        'soffice',
        [
          `-env:UserInstallation=file://${dir}/profile`,
          '--headless',
          '--convert-to',
          'docx',
          '--outdir',
          dir,
          join(fixtures, 'quarterly.fodt'),
        ],
        { stdio: 'ignore', timeout: 60_000 },
      );
      const docx: StateReader = { textDocument: () => readTextDocument(join(dir, 'quarterly.docx')) };
      const r = await check(
        {
          kind: 'all',
          of: [
            { kind: 'document-format', text: 'twelve percent', bold: true },
            { kind: 'document-page', orientation: 'landscape' },
          ],
        },
        docx,
      );
      expect(r.pass, r.reason).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it('combines checks with all, any and not, keeping each part', async () => {
    const r = await check(
      {
        kind: 'all',
        of: [
          { kind: 'document-text', text: 'Quarterly' },
          { kind: 'not', check: { kind: 'document-text', text: 'Quarterly' } },
        ],
      },
      doc,
    );
    expect(r.pass).toBe(false);
    expect(r.parts?.map((p) => p.pass)).toEqual([true, false]);
    expect(r.reason).toBe('not (the document text does satisfy "contains "Quarterly"")');
    const any = await check(
      {
        kind: 'any',
        of: [
          { kind: 'document-text', text: 'nothing' },
          { kind: 'document-page', orientation: 'landscape' },
        ],
      },
      doc,
    );
    expect(any.pass).toBe(true);
  });

  it('says which reader method is missing, and validates specs', async () => {
    const error = await check({ kind: 'cell', cell: 'A1', value: 1 }, doc).catch((e: unknown) => e);
    expect(LAM_StateReaderError.isInstance(error)).toBe(true);
    expect((error as LAM_StateReaderError).capability).toBe('spreadsheet');
    expect((error as Error).message).toContain('readSpreadsheet');
    const failing: StateReader = { textDocument: () => readTextDocument(join(fixtures, 'missing.fodt')) };
    const readError = await check({ kind: 'document-text', text: 'x' }, failing).catch((e: unknown) => e);
    expect(LAM_StateReaderError.isInstance(readError)).toBe(true);
    expect(() => createChecker({ kind: 'cell', cell: 'not a ref' } as CheckerSpec)).toThrow(
      LAM_ValidationError,
    );
  });

  it('wraps code checkers', async () => {
    const words = defineChecker('word-count', async (state) => {
      const d = await state.textDocument!();
      const n = d.text.split(/\s+/).filter(Boolean).length;
      return { pass: n > 10, reason: `${n} words` };
    });
    expect(await words.check(doc)).toEqual({ pass: true, reason: '14 words', checker: 'word-count' });
  });
});

describe('page checkers on a live page in Chromium', () => {
  let browser: Browser;
  let state: StateReader;
  beforeAll(async () => {
    browser = await launchChromium();
    const page = await browser.newPage();
    await page.setContent(`<!doctype html><title>Checkout - Shop</title>
      <form><input id="email" value="ana@example.org"><input type="checkbox" id="terms" checked>
      <select id="ship"><option>Post</option><option selected>Courier</option></select>
      <ul><li class="item">Tea</li><li class="item">Milk</li><li class="item" hidden>Sugar</li></ul></form>
      <p id="status">Order placed</p>`);
    state = { page: async () => createPageReader(page) };
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('checks the URL, title and elements', async () => {
    expect((await check({ kind: 'page-title', title: { matches: '^Checkout' } }, state)).pass).toBe(true);
    expect((await check({ kind: 'page-url', url: 'about:blank' }, state)).pass).toBe(true);
    expect(
      (await check({ kind: 'page-element', selector: '#email', value: { equals: 'ana@example.org' } }, state))
        .pass,
    ).toBe(true);
    expect((await check({ kind: 'page-element', selector: '#terms', checked: true }, state)).pass).toBe(true);
    expect((await check({ kind: 'page-element', selector: '#ship', value: 'courier' }, state)).pass).toBe(
      true,
    );
    expect((await check({ kind: 'page-element', selector: '.item', count: 3 }, state)).pass).toBe(true);
    expect(
      (await check({ kind: 'page-element', selector: '.item', text: 'Sugar', visible: false }, state)).pass,
    ).toBe(true);
    expect(
      (await check({ kind: 'page-element', selector: '#status', text: 'Order placed' }, state)).pass,
    ).toBe(true);
  });

  it('says what it found when an element is not as required', async () => {
    const r = await check({ kind: 'page-element', selector: '#status', text: 'Payment failed' }, state);
    expect(r).toMatchObject({ pass: false });
    expect(r.reason).toContain('the first has text "Order placed"');
    const count = await check({ kind: 'page-element', selector: '.item', count: 2 }, state);
    expect(count.reason).toBe('3 elements match .item, not 2');
    const none = await check({ kind: 'page-element', selector: '#nothing' }, state);
    expect(none.reason).toBe('no element matches #nothing');
  });
});
