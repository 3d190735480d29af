/**
 * What checkers read from an application's final state. The shapes match the readers of the
 * desktop backend (`readTextDocument` / `readSpreadsheet` of `@lam/grounding/desktop`), so their
 * results can be passed straight through, but nothing here depends on a backend.
 */

/** Character formatting of a run of text. */
export interface TextFormat {
  bold: boolean;
  italic: boolean;
  underline: boolean;
  strikethrough: boolean;
  font?: string | undefined;
  /** Size in points. */
  size?: number | undefined;
  /** `#rrggbb`. */
  color?: string | undefined;
  highlight?: string | undefined;
}

export interface TextRun extends TextFormat {
  text: string;
}

export interface DocParagraph {
  text: string;
  runs: TextRun[];
  style?: string | undefined;
  list?: { level: number; bullet: boolean } | undefined;
  lineSpacing?: string | undefined;
  alignment?: string | undefined;
  pageBreakBefore: boolean;
  table?: number | undefined;
  /** The table cell the paragraph is in (`B2`). */
  cell?: string | undefined;
}

/** A text document's content and formatting. */
export interface TextDocumentState {
  kind: 'text';
  path: string;
  paragraphs: DocParagraph[];
  /** Each table's name and the text of its cells, row by row. */
  tables: { name?: string | undefined; rows: string[][] }[];
  text: string;
  page: { orientation: 'portrait' | 'landscape'; width?: string | undefined; height?: string | undefined };
}

export type CellValue = string | number | boolean | null;

export interface CellState {
  value: CellValue;
  /** The displayed text. */
  text: string;
  /** The formula in A1 style, e.g. `=SUM(A1:A3)`. */
  formula?: string | undefined;
  type?: string | undefined;
  format: TextFormat;
}

export interface SheetState {
  name: string;
  /** Cells by A1 reference (`B2`). */
  cells: Record<string, CellState>;
  rows: CellValue[][];
}

/** A spreadsheet's cells. */
export interface SpreadsheetState {
  kind: 'spreadsheet';
  path: string;
  sheets: SheetState[];
}

/** An element of a web page, as a checker sees it. */
export interface ElementState {
  /** The element's visible text (`innerText`). */
  text: string;
  /** The value of an input, text area or select. */
  value?: string | undefined;
  /** Whether a checkbox or radio button is checked. */
  checked?: boolean | undefined;
  visible: boolean;
  attributes: Record<string, string>;
}

/** Reads a live web page. */
export interface PageReader {
  url(): Promise<string>;
  title(): Promise<string>;
  /** The elements matching a CSS selector, in document order. */
  query(selector: string): Promise<ElementState[]>;
}

/**
 * Gives checkers access to an application's final state. Implement the parts your application has:
 * `textDocument` for word processors, `spreadsheet` for spreadsheets, `page` for web pages. A
 * checker that needs a part the reader lacks throws `LAM_StateReaderError`.
 */
export interface StateReader {
  textDocument?(): Promise<TextDocumentState>;
  spreadsheet?(): Promise<SpreadsheetState>;
  page?(): Promise<PageReader>;
}
