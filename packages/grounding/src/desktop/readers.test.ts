import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { LAM_DocumentReadError } from './errors';
import { parseFlatSpreadsheet, parseFlatText, readSpreadsheet, readTextDocument } from './readers';

const fixtures = join(import.meta.dirname, '__fixtures__');

describe('state readers on flat ODF files', () => {
  test('a text document: paragraphs, runs with their effective font, page', async () => {
    const doc = await readTextDocument(join(fixtures, 'report.fodt'));
    expect(doc.paragraphs.map((p) => p.text)).toEqual([
      'Quarterly report',
      'The quarterly report is ready for review.',
      'Sales grew strongly in the north region.',
      'Please remove this obsolete sentence.',
      'Send comments before Friday.',
    ]);
    expect(doc.paragraphs[0]!.style).toBe('Standard');
    expect(doc.paragraphs[0]!.runs[0]).toMatchObject({
      bold: false,
      italic: false,
      font: 'DejaVu Serif',
      size: 12,
    });
    expect(doc.page.orientation).toBe('portrait');
  });

  test('spans, lists, tables, spacing and breaks', () => {
    const xml = `<?xml version="1.0"?>
<office:document xmlns:office="o" xmlns:style="s" xmlns:text="t" xmlns:table="tb" xmlns:fo="f">
 <office:automatic-styles>
  <style:style style:name="P1" style:family="paragraph"><style:paragraph-properties fo:line-height="150%" fo:break-before="page"/></style:style>
  <style:style style:name="T1" style:family="text"><style:text-properties fo:font-weight="bold" fo:color="#FF0000" fo:background-color="#ffff00" style:text-underline-style="solid"/></style:style>
  <text:list-style style:name="L1"><text:list-level-style-bullet text:level="1"/><text:list-level-style-number text:level="2"/></text:list-style>
 </office:automatic-styles>
 <office:body><office:text>
  <text:p text:style-name="P1">A <text:span text:style-name="T1">red</text:span><text:s text:c="2"/>end</text:p>
  <text:list text:style-name="L1"><text:list-item><text:p>one</text:p><text:list><text:list-item><text:p>two</text:p></text:list-item></text:list></text:list-item></text:list>
  <table:table table:name="Owners"><table:table-header-rows><table:table-row><table:table-cell><text:p>a</text:p></table:table-cell><table:table-cell><text:p>b</text:p></table:table-cell></table:table-row></table:table-header-rows><table:table-row><table:table-cell><text:p>c</text:p><text:p>d</text:p></table:table-cell><table:covered-table-cell/></table:table-row></table:table>
 </office:text></office:body>
</office:document>`;
    const doc = parseFlatText(xml, 'memory.fodt');
    const [first, one, two, a, b, c, d] = doc.paragraphs;
    expect(first!.text).toBe('A red  end');
    expect(first!.runs[1]).toMatchObject({
      text: 'red',
      bold: true,
      underline: true,
      color: '#ff0000',
      highlight: '#ffff00',
    });
    expect(first).toMatchObject({ lineSpacing: '150%', pageBreakBefore: true });
    expect(one!.list).toEqual({ level: 1, bullet: true });
    expect(two!.list).toEqual({ level: 2, bullet: false });
    expect(a!.table).toBe(0);
    // Cells are named as LibreOffice names them; a covered cell takes its column's place.
    expect([a, b, c, d].map((p) => [p!.text, p!.cell])).toEqual([
      ['a', 'A1'],
      ['b', 'B1'],
      ['c', 'A2'],
      ['d', 'A2'],
    ]);
    expect(doc.tables).toEqual([
      {
        name: 'Owners',
        rows: [
          ['a', 'b'],
          ['c\nd', ''],
        ],
        columnWidths: [],
      },
    ]);
  });

  test('a spreadsheet: typed values, formulas, repeated cells', async () => {
    const book = await readSpreadsheet(join(fixtures, 'sales.fods'));
    expect(book.sheets[0]!.name).toBe('Sales');
    expect(book.sheets[0]!.rows).toEqual([
      ['Region', 'Sales'],
      ['North', 120],
      ['South', 80],
      ['East', 95],
    ]);
    const sales = book.sheets[0]!.cells;
    expect(sales.B2).toMatchObject({ value: 120, text: '120', type: 'float' });
    const xml = `<office:document xmlns:office="o" xmlns:table="tb" xmlns:text="t"><office:body><office:spreadsheet>
  <table:table table:name="S"><table:table-row>
   <table:table-cell office:value-type="float" office:value="2" table:number-columns-repeated="2"><text:p>2</text:p></table:table-cell>
   <table:table-cell table:formula="of:=SUM([.A1:.B1])" office:value-type="float" office:value="4"><text:p>4</text:p></table:table-cell>
   <table:table-cell office:value-type="boolean" office:boolean-value="true"><text:p>TRUE</text:p></table:table-cell>
  </table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="1024"/></table:table-row></table:table>
 </office:spreadsheet></office:body></office:document>`;
    const sheet = parseFlatSpreadsheet(xml, 'memory.fods').sheets[0]!;
    expect(sheet.rows).toEqual([[2, 2, 4, true]]);
    expect(sheet.cells.C1).toMatchObject({ value: 4, formula: '=SUM(A1:B1)' });
  });

  test('the wrong kind of document and a missing file are clear errors', async () => {
    await expect(readSpreadsheet(join(fixtures, 'report.fodt'))).rejects.toThrow(/may not be a spreadsheet/);
    const error = await readTextDocument(join(fixtures, 'missing.odt')).catch((e: unknown) => e);
    expect(LAM_DocumentReadError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('does not exist');
  });
});
