/**
 * The document of an observation (its `canvasText`) as a decision prompt shows it, and the values a
 * decision may take from it. Two forms of `canvasText` are read, as `@lam/grounding/desktop` writes
 * them: a text document's paragraphs, one per line; and a sheet's used range,
 * `Sheet <name>, used range <A1:C7>:` followed by one tab-separated line per row.
 */

const SHEET_HEADER =
  /^Sheet (.+), used range ([A-Z]{1,3})([1-9][0-9]*)(?::([A-Z]{1,3})([1-9][0-9]*))?( \(.*\))?:$/;

/** A sheet's used range as `canvasText` names it. */
export interface SheetExtent {
  sheet: string;
  /** 0-based column indices and 1-based row numbers of the used range's corners. */
  firstColumn: number;
  firstRow: number;
  lastColumn: number;
  lastRow: number;
  /** The cells of each row, tab-separated in `canvasText`. */
  rows: string[][];
}

/** The column letters of a 0-based column index (0 → A, 27 → AB). */
export function columnLetters(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

function columnIndex(letters: string): number {
  let n = 0;
  for (const ch of letters) n = n * 26 + (ch.charCodeAt(0) - 64);
  return n - 1;
}

/** The sheet `canvasText` describes, or `undefined` when it is a text document's. */
export function sheetOf(canvasText: string): SheetExtent | undefined {
  const [first, ...rest] = canvasText.split('\n');
  const m = SHEET_HEADER.exec(first ?? '');
  if (m === null) return undefined;
  const firstColumn = columnIndex(m[2]!);
  const firstRow = Number(m[3]);
  return {
    sheet: m[1]!,
    firstColumn,
    firstRow,
    lastColumn: m[4] === undefined ? firstColumn : columnIndex(m[4]),
    lastRow: m[5] === undefined ? firstRow : Number(m[5]),
    rows: rest.filter((line) => !line.startsWith('[... cut at')).map((line) => line.split('\t')),
  };
}

/** The paragraphs of a text document's `canvasText`, in order (empty ones included: they count). */
export function documentParagraphs(canvasText: string): string[] {
  return canvasText.split('\n').filter((line) => !line.startsWith('[... cut at'));
}

/**
 * The lines of the prompt's document section: a text document's paragraphs numbered from 1, as a
 * person counts "the third paragraph"; a sheet as a grid under its column letters, each row after its
 * number, as "the Price column" or "the row for May" need.
 */
export function formatDocumentLines(canvasText: string): string[] {
  const sheet = sheetOf(canvasText);
  if (sheet === undefined) return documentParagraphs(canvasText).map((p, i) => `${i + 1} ${p}`.trimEnd());
  const columns = Array.from({ length: sheet.lastColumn - sheet.firstColumn + 1 }, (_, i) =>
    columnLetters(sheet.firstColumn + i),
  );
  return [
    `Sheet ${sheet.sheet}`,
    `  | ${columns.join(' | ')}`,
    ...sheet.rows.map((cells, i) => `${sheet.firstRow + i} | ${cells.join(' | ')}`.trimEnd()),
  ];
}

/**
 * The cells and ranges of a sheet a decision may name: every cell, every row's span and every column's
 * data and whole span, the header row, the data block and the whole used range — each also one row
 * below and one column right of the used range, where new data goes.
 */
export function sheetRanges(sheet: SheetExtent): string[] {
  const out = new Set<string>();
  const { firstColumn: c0, lastColumn: c1, firstRow: r0, lastRow: r1 } = sheet;
  const col = columnLetters;
  for (let r = r0; r <= r1 + 1; r++) {
    out.add(`${col(c0)}${r}:${col(c1)}${r}`);
    for (let c = c0; c <= c1 + 1; c++) out.add(`${col(c)}${r}`);
  }
  for (let c = c0; c <= c1 + 1; c++) {
    if (r1 > r0) out.add(`${col(c)}${r0 + 1}:${col(c)}${r1}`);
    out.add(`${col(c)}${r0}:${col(c)}${r1}`);
  }
  if (r1 > r0) out.add(`${col(c0)}${r0 + 1}:${col(c1)}${r1}`);
  out.add(`${col(c0)}${r0}:${col(c1)}${r1}`);
  return [...out];
}
