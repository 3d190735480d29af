import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { LAM_DocumentReadError } from './errors';
import { findProgram, isRunning } from './processes';

/** Character formatting of a run of text, as it is in effect (styles resolved). */
export interface TextFormat {
  bold: boolean;
  italic: boolean;
  underline: boolean;
  strikethrough: boolean;
  /** The font family, e.g. `Liberation Serif`. */
  font?: string;
  /** The size in points. */
  size?: number;
  /** The text colour, `#rrggbb`. */
  color?: string;
  /** The highlight (character background) colour, `#rrggbb`. */
  highlight?: string;
}

/** A stretch of a paragraph with one formatting. */
export interface TextRun extends TextFormat {
  text: string;
}

/** A paragraph (or heading) of a text document. */
export interface DocParagraph {
  text: string;
  runs: TextRun[];
  /** The paragraph style's display name, e.g. `Heading 1`, `Text Body`. */
  style?: string;
  /** Set when the paragraph is a list item: its level (1-based) and whether the list is bulleted. */
  list?: { level: number; bullet: boolean };
  /** Line spacing as the document says it: `200%` (double), `150%`, `0.5cm` (at least / fixed). */
  lineSpacing?: string;
  /** `start`, `center`, `end`, `justify`. */
  alignment?: string;
  /** The first line's indent as written (`1.27cm`, `0.5in`), when it has one. */
  firstLineIndent?: string;
  /** A page break comes before this paragraph. */
  pageBreakBefore: boolean;
  /** The index (0-based) of the table the paragraph is in, if any. */
  table?: number;
  /** The table cell the paragraph is in, as LibreOffice names it (`B2`: column letter, row number). */
  cell?: string;
}

/** A table of a text document: its name and the text of each cell, row by row. */
export interface DocTable {
  /** The table's name (`Table1`, or the name it was given). */
  name: string;
  rows: string[][];
  /**
   * Each column's width as written (`1.9689in`), where the file gives them (a document saved as flat ODF
   * does; LibreOffice's headless conversion of an .odt keeps only relative widths, so this is empty).
   */
  columnWidths: string[];
}

/** A text document (.odt, .docx, ...) read for checking. */
export interface TextDocumentState {
  kind: 'text';
  path: string;
  /** Every paragraph in reading order, table cells included (see `DocParagraph.table`). */
  paragraphs: DocParagraph[];
  tables: DocTable[];
  /** The paragraphs' text joined with newlines. */
  text: string;
  /** The first page's orientation, size and margins (as written, e.g. `21.001cm`, `0.7874in`). */
  page: {
    orientation: 'portrait' | 'landscape';
    width?: string;
    height?: string;
    margins?: { left?: string; right?: string; top?: string; bottom?: string };
  };
}

/** A spreadsheet cell read for checking. */
export interface CellState {
  /** The typed value: a number, a string, a boolean, a date string; null when empty. */
  value: string | number | boolean | null;
  /** The displayed text. */
  text: string;
  /** The formula in A1 style (`=SUM(A1:A3)`), if any. */
  formula?: string;
  /** The ODF value type (`float`, `string`, `boolean`, `date`, `percentage`, `currency`, `time`). */
  type?: string;
  format: TextFormat;
}

/** One sheet: its cells by A1 reference, and the values as a dense block from A1. */
export interface SheetState {
  name: string;
  cells: Record<string, CellState>;
  /** Values from A1 to the last used cell (null where empty). */
  rows: (string | number | boolean | null)[][];
  /** Column widths as written (`0.889in`), by column letter, for the first 64 columns. */
  columnWidths: Record<string, string>;
  /** Row heights as written (`0.178in`), by row number, for the first 256 rows. */
  rowHeights: Record<string, string>;
}

/** A spreadsheet (.ods, .xlsx, ...) read for checking. */
export interface SpreadsheetState {
  kind: 'spreadsheet';
  path: string;
  sheets: SheetState[];
}

type XmlNode = Record<string, unknown> & { ':@'?: Record<string, string> };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
});

function tagOf(node: XmlNode): string {
  for (const key of Object.keys(node)) if (key !== ':@') return key;
  return '';
}

function kids(node: XmlNode): XmlNode[] {
  const value = node[tagOf(node)];
  return Array.isArray(value) ? (value as XmlNode[]) : [];
}

function attr(node: XmlNode, name: string): string | undefined {
  return node[':@']?.[name];
}

function find(nodes: readonly XmlNode[], tag: string): XmlNode | undefined {
  return nodes.find((n) => tagOf(n) === tag);
}

function findPath(nodes: readonly XmlNode[], path: readonly string[]): XmlNode | undefined {
  let current: XmlNode | undefined;
  let list = nodes;
  for (const tag of path) {
    current = find(list, tag);
    if (current === undefined) return undefined;
    list = kids(current);
  }
  return current;
}

interface StyleDef {
  parent?: string;
  displayName?: string;
  text: Record<string, string>;
  paragraph: Record<string, string>;
  listStyle?: string;
  masterPage?: string;
  /** Defined in office:automatic-styles (P1, T1): formatting applied directly, not a named style. */
  automatic?: boolean;
}

interface Styles {
  /** Keyed by `family:name`. */
  styles: Map<string, StyleDef>;
  defaults: Map<string, StyleDef>;
  fonts: Map<string, string>;
  /** List style name → whether level n (1-based) is a bullet. */
  lists: Map<string, Map<number, boolean>>;
  pageLayouts: Map<string, Record<string, string>>;
  masterPages: Map<string, string>;
}

function readStyleDef(node: XmlNode): StyleDef {
  const def: StyleDef = { text: {}, paragraph: {} };
  const parent = attr(node, 'style:parent-style-name');
  if (parent !== undefined) def.parent = parent;
  const display = attr(node, 'style:display-name');
  if (display !== undefined) def.displayName = display;
  const list = attr(node, 'style:list-style-name');
  if (list) def.listStyle = list;
  const master = attr(node, 'style:master-page-name');
  if (master) def.masterPage = master;
  for (const child of kids(node)) {
    const tag = tagOf(child);
    if (tag === 'style:text-properties') Object.assign(def.text, child[':@'] ?? {});
    if (
      tag === 'style:paragraph-properties' ||
      tag === 'style:table-cell-properties' ||
      tag === 'style:table-column-properties' ||
      tag === 'style:table-row-properties'
    )
      Object.assign(def.paragraph, child[':@'] ?? {});
  }
  return def;
}

function readStyles(root: readonly XmlNode[]): Styles {
  const styles: Styles = {
    styles: new Map(),
    defaults: new Map(),
    fonts: new Map(),
    lists: new Map(),
    pageLayouts: new Map(),
    masterPages: new Map(),
  };
  const doc = kids(find(root, 'office:document') ?? ({} as XmlNode));
  for (const section of [
    'office:font-face-decls',
    'office:styles',
    'office:automatic-styles',
    'office:master-styles',
  ]) {
    for (const node of kids(find(doc, section) ?? ({} as XmlNode))) {
      const tag = tagOf(node);
      const name = attr(node, 'style:name') ?? '';
      if (tag === 'style:font-face') {
        styles.fonts.set(name, (attr(node, 'svg:font-family') ?? name).replace(/^['"]|['"]$/g, ''));
      } else if (tag === 'style:style') {
        const def = readStyleDef(node);
        if (section === 'office:automatic-styles') def.automatic = true;
        styles.styles.set(`${attr(node, 'style:family')}:${name}`, def);
      } else if (tag === 'style:default-style') {
        styles.defaults.set(attr(node, 'style:family') ?? '', readStyleDef(node));
      } else if (tag === 'text:list-style') {
        const levels = new Map<number, boolean>();
        for (const level of kids(node)) {
          const n = Number(attr(level, 'text:level') ?? 0);
          levels.set(n, tagOf(level) === 'text:list-level-style-bullet');
        }
        styles.lists.set(name, levels);
      } else if (tag === 'style:page-layout') {
        const props = find(kids(node), 'style:page-layout-properties');
        styles.pageLayouts.set(name, props?.[':@'] ?? {});
      } else if (tag === 'style:master-page') {
        styles.masterPages.set(name, attr(node, 'style:page-layout-name') ?? '');
      }
    }
  }
  return styles;
}

/** The style chain of `name` in `family`, root first (the family's default style first of all). */
function chain(styles: Styles, family: string, name: string | undefined, withDefault = true): StyleDef[] {
  const out: StyleDef[] = [];
  const seen = new Set<string>();
  let current = name;
  while (current !== undefined && !seen.has(current)) {
    seen.add(current);
    const def = styles.styles.get(`${family}:${current}`);
    if (def === undefined) break;
    out.unshift(def);
    current = def.parent;
  }
  const base = withDefault ? styles.defaults.get(family) : undefined;
  if (base !== undefined) out.unshift(base);
  return out;
}

function merged(defs: readonly StyleDef[], key: 'text' | 'paragraph'): Record<string, string> {
  return Object.assign({}, ...defs.map((d) => d[key]));
}

function toFormat(props: Record<string, string>, styles: Styles): TextFormat {
  const format: TextFormat = {
    bold: props['fo:font-weight'] === 'bold' || Number(props['fo:font-weight']) >= 600,
    italic: props['fo:font-style'] === 'italic' || props['fo:font-style'] === 'oblique',
    underline:
      props['style:text-underline-style'] !== undefined && props['style:text-underline-style'] !== 'none',
    strikethrough:
      props['style:text-line-through-style'] !== undefined &&
      props['style:text-line-through-style'] !== 'none',
  };
  const fontName = props['style:font-name'];
  const font =
    fontName !== undefined
      ? (styles.fonts.get(fontName) ?? fontName)
      : props['fo:font-family']?.replace(/^['"]|['"]$/g, '');
  if (font) format.font = font;
  const size = /^([\d.]+)pt$/.exec(props['fo:font-size'] ?? '');
  if (size) format.size = Number(size[1]);
  if (props['fo:color']) format.color = props['fo:color'].toLowerCase();
  const bg = props['fo:background-color'];
  if (bg && bg !== 'transparent') format.highlight = bg.toLowerCase();
  return format;
}

function sameFormat(a: TextFormat, b: TextFormat): boolean {
  return (
    a.bold === b.bold &&
    a.italic === b.italic &&
    a.underline === b.underline &&
    a.strikethrough === b.strikethrough &&
    a.font === b.font &&
    a.size === b.size &&
    a.color === b.color &&
    a.highlight === b.highlight
  );
}

/** Collects a paragraph's runs: text, spans (with their styles), spaces, tabs, line breaks, links. */
function collectRuns(
  nodes: readonly XmlNode[],
  props: Record<string, string>,
  styles: Styles,
  out: TextRun[],
): void {
  const push = (text: string) => {
    if (text === '') return;
    const format = toFormat(props, styles);
    const last = out.at(-1);
    if (last !== undefined && sameFormat(last, format)) last.text += text;
    else out.push({ text, ...format });
  };
  for (const node of nodes) {
    const tag = tagOf(node);
    if (tag === '#text') push(String(node['#text']));
    else if (tag === 'text:s') push(' '.repeat(Number(attr(node, 'text:c') ?? 1)));
    else if (tag === 'text:tab') push('\t');
    else if (tag === 'text:line-break') push('\n');
    else if (tag === 'text:span') {
      const spanProps = {
        ...props,
        ...merged(chain(styles, 'text', attr(node, 'text:style-name'), false), 'text'),
      };
      collectRuns(kids(node), spanProps, styles, out);
    } else if (
      tag === 'text:note' ||
      tag === 'office:annotation' ||
      tag === 'draw:frame' ||
      tag === 'text:tracked-changes'
    ) {
      // not part of the running text
    } else collectRuns(kids(node), props, styles, out);
  }
}

function pageOf(styles: Styles, masterName: string | undefined): TextDocumentState['page'] {
  const layout = styles.pageLayouts.get(styles.masterPages.get(masterName ?? 'Standard') ?? '') ?? {};
  const width = layout['fo:page-width'];
  const height = layout['fo:page-height'];
  let orientation: 'portrait' | 'landscape' =
    layout['style:print-orientation'] === 'landscape' ? 'landscape' : 'portrait';
  if (
    layout['style:print-orientation'] === undefined &&
    width &&
    height &&
    Number.parseFloat(width) > Number.parseFloat(height)
  ) {
    orientation = 'landscape';
  }
  const page: TextDocumentState['page'] = { orientation };
  if (width) page.width = width;
  if (height) page.height = height;
  const margins: NonNullable<TextDocumentState['page']['margins']> = {};
  for (const side of ['left', 'right', 'top', 'bottom'] as const) {
    const value = layout[`fo:margin-${side}`] ?? layout['fo:margin'];
    if (value) margins[side] = value;
  }
  if (Object.keys(margins).length > 0) page.margins = margins;
  return page;
}

/** Parses a flat ODF text document (.fodt) into paragraphs, runs, tables and page settings. */
export function parseFlatText(xml: string, path: string): TextDocumentState {
  const root = parser.parse(xml) as XmlNode[];
  const styles = readStyles(root);
  const body = findPath(root, ['office:document', 'office:body', 'office:text']);
  if (body === undefined) {
    throw new LAM_DocumentReadError({
      file: path,
      problem: 'it is not a text document (no office:text body)',
      fix: 'Read spreadsheets with readSpreadsheet().',
    });
  }
  const paragraphs: DocParagraph[] = [];
  const tables: DocTable[] = [];
  let firstMaster: string | undefined;

  const paragraph = (
    node: XmlNode,
    list: { level: number; style?: string } | undefined,
    table: number | undefined,
    cell?: string,
  ): DocParagraph => {
    const defs = chain(styles, 'paragraph', attr(node, 'text:style-name'));
    const own = styles.styles.get(`paragraph:${attr(node, 'text:style-name')}`);
    if (paragraphs.length === 0 && firstMaster === undefined)
      firstMaster = own?.masterPage ?? defs.find((d) => d.masterPage)?.masterPage;
    const runs: TextRun[] = [];
    collectRuns(kids(node), merged(defs, 'text'), styles, runs);
    const pprops = merged(defs, 'paragraph');
    const p: DocParagraph = {
      text: runs.map((r) => r.text).join(''),
      runs,
      pageBreakBefore: pprops['fo:break-before'] === 'page',
    };
    const styleName = own?.automatic ? own.parent : attr(node, 'text:style-name');
    const display = styles.styles.get(`paragraph:${styleName}`)?.displayName ?? styleName;
    if (display) p.style = display;
    const spacing =
      pprops['fo:line-height'] ?? pprops['style:line-height-at-least'] ?? pprops['style:line-spacing'];
    if (spacing && spacing !== 'normal' && spacing !== '100%') p.lineSpacing = spacing;
    if (pprops['fo:text-align']) p.alignment = pprops['fo:text-align'];
    if (pprops['fo:text-indent'] && Number.parseFloat(pprops['fo:text-indent']) !== 0)
      p.firstLineIndent = pprops['fo:text-indent'];
    if (list !== undefined) {
      const listStyle = list.style ?? [...defs].reverse().find((d) => d.listStyle)?.listStyle;
      p.list = {
        level: list.level,
        bullet: listStyle ? (styles.lists.get(listStyle)?.get(list.level) ?? false) : false,
      };
    }
    if (table !== undefined) p.table = table;
    if (cell !== undefined) p.cell = cell;
    return p;
  };

  const cellText = (cell: XmlNode, index: number, address: string): string => {
    const texts: string[] = [];
    const walkCell = (nodes: readonly XmlNode[]) => {
      for (const n of nodes) {
        const tag = tagOf(n);
        if (tag === 'text:p' || tag === 'text:h') {
          const p = paragraph(n, undefined, index, address);
          paragraphs.push(p);
          texts.push(p.text);
        } else if (tag !== '#text') walkCell(kids(n));
      }
    };
    walkCell(kids(cell));
    return texts.join('\n');
  };

  const walk = (
    nodes: readonly XmlNode[],
    list: { level: number; style?: string } | undefined,
    table: number | undefined,
  ) => {
    for (const node of nodes) {
      const tag = tagOf(node);
      if (tag === 'text:p' || tag === 'text:h') paragraphs.push(paragraph(node, list, table));
      else if (tag === 'text:list') {
        const style = attr(node, 'text:style-name') ?? list?.style;
        walk(kids(node), { level: (list?.level ?? 0) + 1, ...(style ? { style } : {}) }, table);
      } else if (tag === 'text:list-item' || tag === 'text:list-header') walk(kids(node), list, table);
      else if (tag === 'table:table') {
        const index = tables.length;
        const t: DocTable = { name: attr(node, 'table:name') ?? '', rows: [], columnWidths: [] };
        tables.push(t);
        const columnsOf = (ns: readonly XmlNode[]): XmlNode[] =>
          ns.flatMap((n) =>
            tagOf(n) === 'table:table-column'
              ? [n]
              : /^table:table-(header-)?columns$|^table:table-column-group$/.test(tagOf(n))
                ? columnsOf(kids(n))
                : [],
          );
        for (const c of columnsOf(kids(node))) {
          const width = styles.styles.get(`table-column:${attr(c, 'table:style-name')}`)?.paragraph[
            'style:column-width'
          ];
          const repeat = Number(attr(c, 'table:number-columns-repeated') ?? 1);
          for (let i = 0; width && i < Math.min(repeat, 64); i++) t.columnWidths.push(width);
        }
        const rows = (ns: readonly XmlNode[]) => {
          for (const r of ns) {
            const rtag = tagOf(r);
            if (rtag === 'table:table-row') {
              const row = t.rows.length + 1;
              t.rows.push(
                kids(r)
                  .filter((c) => tagOf(c) === 'table:table-cell' || tagOf(c) === 'table:covered-table-cell')
                  .map((c, column) => cellText(c, index, `${columnName(column)}${row}`)),
              );
            } else if (
              rtag === 'table:table-header-rows' ||
              rtag === 'table:table-rows' ||
              rtag === 'table:table-row-group'
            )
              rows(kids(r));
          }
        };
        rows(kids(node));
      } else if (tag === 'text:section' || tag === 'text:index-body' || tag.endsWith('-index'))
        walk(kids(node), list, table);
    }
  };
  walk(kids(body), undefined, undefined);
  return {
    kind: 'text',
    path,
    paragraphs,
    tables,
    text: paragraphs.map((p) => p.text).join('\n'),
    page: pageOf(styles, firstMaster),
  };
}

function columnName(index: number): string {
  let name = '';
  let n = index + 1;
  while (n > 0) {
    const r = (n - 1) % 26;
    name = String.fromCharCode(65 + r) + name;
    n = Math.floor((n - 1) / 26);
  }
  return name;
}

/** ODF formula syntax (`of:=SUM([.A1:.A3])`) in A1 style (`=SUM(A1:A3)`). */
export function a1Formula(formula: string): string {
  return formula.replace(/^of:/, '').replace(/\[([^\]]+)\]/g, (_, inner: string) =>
    inner
      .split(':')
      .map((part) => (part.startsWith('.') ? part.slice(1) : part.replace('.', '!')))
      .join(':'),
  );
}

/** Parses a flat ODF spreadsheet (.fods) into sheets of cells with values, formulas and formatting. */
export function parseFlatSpreadsheet(xml: string, path: string): SpreadsheetState {
  const root = parser.parse(xml) as XmlNode[];
  const styles = readStyles(root);
  const body = findPath(root, ['office:document', 'office:body', 'office:spreadsheet']);
  if (body === undefined) {
    throw new LAM_DocumentReadError({
      file: path,
      problem: 'it is not a spreadsheet (no office:spreadsheet body)',
      fix: 'Read text documents with readTextDocument().',
    });
  }
  const sheets: SheetState[] = [];
  for (const tableNode of kids(body)) {
    if (tagOf(tableNode) !== 'table:table') continue;
    const sheet: SheetState = {
      name: attr(tableNode, 'table:name') ?? '',
      cells: {},
      rows: [],
      columnWidths: {},
      rowHeights: {},
    };
    const sizeOf = (family: string, node: XmlNode, key: string) =>
      styles.styles.get(`${family}:${attr(node, 'table:style-name')}`)?.paragraph[key];
    let column = 0;
    for (const c of kids(tableNode).flatMap((n) =>
      tagOf(n) === 'table:table-columns' || tagOf(n) === 'table:table-header-columns' ? kids(n) : [n],
    )) {
      if (tagOf(c) !== 'table:table-column') continue;
      const repeat = Number(attr(c, 'table:number-columns-repeated') ?? 1);
      const width = sizeOf('table-column', c, 'style:column-width');
      for (let i = 0; i < repeat && column + i < 64; i++)
        if (width) sheet.columnWidths[columnName(column + i)] = width;
      column += repeat;
    }
    let row = 0;
    let maxRow = -1;
    let maxCol = -1;
    const rows = (nodes: readonly XmlNode[]) => {
      for (const r of nodes) {
        const tag = tagOf(r);
        if (
          tag === 'table:table-header-rows' ||
          tag === 'table:table-rows' ||
          tag === 'table:table-row-group'
        ) {
          rows(kids(r));
          continue;
        }
        if (tag !== 'table:table-row') continue;
        const repeat = Number(attr(r, 'table:number-rows-repeated') ?? 1);
        const height = sizeOf('table-row', r, 'style:row-height');
        for (let i = 0; height && i < repeat && row + i < 256; i++)
          sheet.rowHeights[String(row + i + 1)] = height;
        let col = 0;
        let used = false;
        for (const c of kids(r)) {
          const ctag = tagOf(c);
          if (ctag !== 'table:table-cell' && ctag !== 'table:covered-table-cell') continue;
          const crepeat = Number(attr(c, 'table:number-columns-repeated') ?? 1);
          const cell = readCell(c, styles);
          if (cell !== undefined) {
            used = true;
            for (let rr = 0; rr < Math.min(repeat, 1000); rr++) {
              for (let cc = 0; cc < Math.min(crepeat, 1000); cc++) {
                sheet.cells[`${columnName(col + cc)}${row + rr + 1}`] = cell;
                maxRow = Math.max(maxRow, row + rr);
                maxCol = Math.max(maxCol, col + cc);
              }
            }
          }
          col += crepeat;
        }
        row += used ? Math.min(repeat, 1000) : repeat;
      }
    };
    rows(kids(tableNode));
    for (let r = 0; r <= maxRow; r++) {
      const values: (string | number | boolean | null)[] = [];
      for (let c = 0; c <= maxCol; c++) values.push(sheet.cells[`${columnName(c)}${r + 1}`]?.value ?? null);
      sheet.rows.push(values);
    }
    sheets.push(sheet);
  }
  return { kind: 'spreadsheet', path, sheets };
}

function readCell(node: XmlNode, styles: Styles): CellState | undefined {
  const type = attr(node, 'office:value-type');
  const formula = attr(node, 'table:formula');
  const texts: string[] = [];
  for (const p of kids(node)) {
    if (tagOf(p) !== 'text:p') continue;
    const runs: TextRun[] = [];
    collectRuns(kids(p), {}, styles, runs);
    texts.push(runs.map((r) => r.text).join(''));
  }
  const text = texts.join('\n');
  if (type === undefined && formula === undefined && text === '') return undefined;
  let value: CellState['value'] = text === '' ? null : text;
  if (type === 'float' || type === 'percentage' || type === 'currency')
    value = Number(attr(node, 'office:value'));
  else if (type === 'boolean') value = attr(node, 'office:boolean-value') === 'true';
  else if (type === 'date') value = attr(node, 'office:date-value') ?? text;
  else if (type === 'time') value = attr(node, 'office:time-value') ?? text;
  else if (type === 'string') value = attr(node, 'office:string-value') ?? text;
  const format = toFormat(
    merged(chain(styles, 'table-cell', attr(node, 'table:style-name')), 'text'),
    styles,
  );
  const cell: CellState = { value, text, format };
  if (type !== undefined) cell.type = type;
  if (formula !== undefined) cell.formula = a1Formula(formula);
  return cell;
}

let converterProfile: string | undefined;
let queue: Promise<unknown> = Promise.resolve();

/**
 * This process's LibreOffice profile for conversions (`$TMPDIR/lam-desktop-convert-PID`), created on
 * first use. Profiles left by processes that are gone are removed then, so they never pile up.
 */
function profileDir(): string {
  if (converterProfile !== undefined) return converterProfile;
  for (const name of readdirSync(tmpdir())) {
    const m = /^lam-desktop-convert-(\d+)$/.exec(name);
    if (m && !isRunning(Number(m[1]))) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
  const dir = join(tmpdir(), `lam-desktop-convert-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  converterProfile = dir;
  return dir;
}

/**
 * Converts a document to a flat ODF file (`fodt` or `fods`) with LibreOffice in headless mode, using a
 * private profile (so it never talks to a running LibreOffice). Conversions run one at a time per process.
 */
export function convertToFlat(
  path: string,
  format: 'fodt' | 'fods',
  options: { timeoutMs?: number } = {},
): Promise<string> {
  const run = async (): Promise<string> => {
    if (findProgram('soffice') === undefined) {
      throw new LAM_DocumentReadError({
        file: path,
        problem: 'LibreOffice (soffice) is not installed, and it converts documents for reading',
        fix: 'apt-get install -y --no-install-recommends libreoffice-writer libreoffice-calc',
      });
    }
    const out = mkdtempSync(join(tmpdir(), 'lam-desktop-read-'));
    const args = [
      '--headless',
      '--norestore',
      '--nologo',
      `-env:UserInstallation=${pathToFileURL(profileDir()).href}`,
      '--convert-to',
      format,
      '--outdir',
      out,
      path,
    ];
    await new Promise<void>((resolveRun, reject) => {
      execFile('soffice', args, { timeout: options.timeoutMs ?? 120_000 }, (error, _stdout, stderr) => {
        if (error)
          reject(
            new LAM_DocumentReadError({
              file: path,
              problem: `LibreOffice could not convert it (${String(stderr).trim() || error.message})`,
              fix: 'Check that the file is a valid document.',
              cause: error,
            }),
          );
        else resolveRun();
      });
    });
    const target = join(out, `${basename(path, extname(path))}.${format}`);
    if (!existsSync(target)) {
      rmSync(out, { recursive: true, force: true });
      throw new LAM_DocumentReadError({
        file: path,
        problem: `LibreOffice wrote no ${format} file (it may not be a ${format === 'fodt' ? 'text document' : 'spreadsheet'})`,
        fix: 'Check the file type.',
      });
    }
    return target;
  };
  const next = queue.then(run, run);
  queue = next.catch(() => undefined);
  return next;
}

async function flatXml(path: string, format: 'fodt' | 'fods'): Promise<string> {
  const full = resolve(path);
  if (!existsSync(full))
    throw new LAM_DocumentReadError({
      file: full,
      problem: 'the file does not exist',
      fix: 'Save the document first (save_as) and pass its path.',
    });
  if (extname(full).toLowerCase() === `.${format}`) return readFileSync(full, 'utf8');
  const converted = await convertToFlat(full, format);
  try {
    return readFileSync(converted, 'utf8');
  } finally {
    rmSync(join(converted, '..'), { recursive: true, force: true });
  }
}

/** Reads a text document (.odt, .docx, .doc, .rtf, .fodt) for checkers: paragraphs, runs with formatting, tables, page. */
export async function readTextDocument(path: string): Promise<TextDocumentState> {
  return parseFlatText(await flatXml(path, 'fodt'), resolve(path));
}

/** Reads a spreadsheet (.ods, .xlsx, .xls, .fods) for checkers: cells with values, formulas and formatting. */
export async function readSpreadsheet(path: string): Promise<SpreadsheetState> {
  return parseFlatSpreadsheet(await flatXml(path, 'fods'), resolve(path));
}
