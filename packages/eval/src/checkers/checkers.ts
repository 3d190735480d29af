import { validate } from '@lam/schema';
import { z } from 'zod';
import { LAM_StateReaderError } from '../errors';
import type { CellValue, DocParagraph, StateReader, TextDocumentState, TextFormat } from './state';

/** A checker's answer: pass or fail, and why, in words a person can act on. */
export const CheckResult: z.ZodType<CheckResult> = z.lazy(() =>
  z.strictObject({
    pass: z.boolean(),
    reason: z.string(),
    /** The checker's id. */
    checker: z.string(),
    /** The results of the parts of a combined checker. */
    parts: z.array(CheckResult).optional(),
  }),
);
export interface CheckResult {
  pass: boolean;
  reason: string;
  checker: string;
  parts?: CheckResult[] | undefined;
}

/** Reads an application's final state and says whether the task was done. */
export interface TaskChecker {
  readonly id: string;
  check(state: StateReader): Promise<CheckResult>;
}

/**
 * Text to look for: a literal (contained), or `equals` / `contains` / `matches` (a regular
 * expression). Case is ignored unless `caseSensitive: true`; `equals` ignores surrounding space.
 */
export const TextMatch = z.union([
  z.string(),
  z.strictObject({
    equals: z.string().optional(),
    contains: z.string().optional(),
    /** A regular expression (JavaScript syntax). */
    matches: z.string().optional(),
    caseSensitive: z.boolean().optional(),
  }),
]);
export type TextMatch = z.infer<typeof TextMatch>;

const FormatSpec = {
  bold: z.boolean().optional(),
  italic: z.boolean().optional(),
  underline: z.boolean().optional(),
  strikethrough: z.boolean().optional(),
  font: z.string().optional(),
  size: z.number().positive().optional(),
  color: z.string().optional(),
  highlight: z.string().optional(),
};

const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const A1 = z.string().regex(/^[A-Za-z]+[1-9][0-9]*$/, 'an A1 reference such as B2');
/** A table of a text document: its index (0-based) or its name. */
const TableRef = z.union([z.int().nonnegative(), z.string().min(1)]);

/** Character formatting a document checker asks of the runs it looks at. */
export interface FormatChecks {
  bold?: boolean | undefined;
  italic?: boolean | undefined;
  underline?: boolean | undefined;
  strikethrough?: boolean | undefined;
  font?: string | undefined;
  size?: number | undefined;
  color?: string | undefined;
  highlight?: string | undefined;
}

/**
 * A checker described as data, for task suite files. Combine with `all`, `any` and `not`;
 * checkers that need code are made with {@link defineChecker}.
 */
export type CheckerSpec =
  | { kind: 'document-text'; text: TextMatch; present?: boolean | undefined }
  | (FormatChecks & {
      kind: 'document-format';
      /** The text whose formatting is checked (every run that covers it must match). */
      text: string;
      /** Paragraph properties of the paragraph holding the text. */
      style?: string | undefined;
      alignment?: string | undefined;
      lineSpacing?: string | undefined;
      bullet?: boolean | undefined;
    })
  | { kind: 'document-page'; orientation: 'portrait' | 'landscape' }
  | {
      kind: 'document-table';
      /** Which table: its index in the document (0-based) or its name. Default: the first. */
      table?: number | string | undefined;
      /** How many rows and columns it must have. */
      rows?: number | undefined;
      columns?: number | undefined;
    }
  | (FormatChecks & {
      kind: 'document-table-cell';
      /** Which table: its index in the document (0-based) or its name. Default: the first. */
      table?: number | string | undefined;
      /**
       * The cell as LibreOffice names it: column letter and row number, e.g. `B2`. Every run of text in
       * it must have the formatting asked for.
       */
      cell: string;
      text?: TextMatch | undefined;
    })
  | {
      kind: 'cell';
      /** Sheet name (default the first sheet). */
      sheet?: string | undefined;
      /** A1 reference, e.g. `B2`. */
      cell: string;
      value?: CellValue | undefined;
      /** Allowed absolute difference for numbers (default 1e-9). */
      tolerance?: number | undefined;
      text?: TextMatch | undefined;
      formula?: TextMatch | undefined;
      bold?: boolean | undefined;
      italic?: boolean | undefined;
    }
  | { kind: 'page-url'; url: TextMatch }
  | { kind: 'page-title'; title: TextMatch }
  | {
      kind: 'page-element';
      selector: string;
      /** How many elements must match (default: at least one). */
      count?: number | undefined;
      text?: TextMatch | undefined;
      value?: TextMatch | undefined;
      checked?: boolean | undefined;
      visible?: boolean | undefined;
    }
  | { kind: 'all'; of: CheckerSpec[] }
  | { kind: 'any'; of: CheckerSpec[] }
  | { kind: 'not'; check: CheckerSpec };

/** The zod schema of {@link CheckerSpec}. */
export const CheckerSpec: z.ZodType<CheckerSpec> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('document-text'), text: TextMatch, present: z.boolean().optional() }),
    z.strictObject({
      kind: z.literal('document-format'),
      text: z.string().min(1),
      ...FormatSpec,
      style: z.string().optional(),
      alignment: z.string().optional(),
      lineSpacing: z.string().optional(),
      bullet: z.boolean().optional(),
    }),
    z.strictObject({ kind: z.literal('document-page'), orientation: z.enum(['portrait', 'landscape']) }),
    z.strictObject({
      kind: z.literal('document-table'),
      table: TableRef.optional(),
      rows: z.int().positive().optional(),
      columns: z.int().positive().optional(),
    }),
    z.strictObject({
      kind: z.literal('document-table-cell'),
      table: TableRef.optional(),
      cell: A1,
      text: TextMatch.optional(),
      ...FormatSpec,
    }),
    z.strictObject({
      kind: z.literal('cell'),
      sheet: z.string().optional(),
      cell: A1,
      value: Scalar.optional(),
      tolerance: z.number().nonnegative().optional(),
      text: TextMatch.optional(),
      formula: TextMatch.optional(),
      bold: z.boolean().optional(),
      italic: z.boolean().optional(),
    }),
    z.strictObject({ kind: z.literal('page-url'), url: TextMatch }),
    z.strictObject({ kind: z.literal('page-title'), title: TextMatch }),
    z.strictObject({
      kind: z.literal('page-element'),
      selector: z.string().min(1),
      count: z.int().nonnegative().optional(),
      text: TextMatch.optional(),
      value: TextMatch.optional(),
      checked: z.boolean().optional(),
      visible: z.boolean().optional(),
    }),
    z.strictObject({ kind: z.literal('all'), of: z.array(CheckerSpec).min(1) }),
    z.strictObject({ kind: z.literal('any'), of: z.array(CheckerSpec).min(1) }),
    z.strictObject({ kind: z.literal('not'), check: CheckerSpec }),
  ]),
);

/** Whether `actual` satisfies a {@link TextMatch}. */
export function textMatches(actual: string, match: TextMatch): boolean {
  const m = typeof match === 'string' ? { contains: match } : match;
  const sensitive = m.caseSensitive ?? false;
  const norm = (s: string) => (sensitive ? s : s.toLowerCase());
  if (m.equals !== undefined && norm(actual.trim()) !== norm(m.equals.trim())) return false;
  if (m.contains !== undefined && !norm(actual).includes(norm(m.contains))) return false;
  if (m.matches !== undefined && !new RegExp(m.matches, sensitive ? 'u' : 'iu').test(actual)) return false;
  return true;
}

/** A {@link TextMatch} in words, for reasons. */
export function describeMatch(match: TextMatch): string {
  if (typeof match === 'string') return `contains ${JSON.stringify(match)}`;
  const parts: string[] = [];
  if (match.equals !== undefined) parts.push(`equals ${JSON.stringify(match.equals)}`);
  if (match.contains !== undefined) parts.push(`contains ${JSON.stringify(match.contains)}`);
  if (match.matches !== undefined) parts.push(`matches /${match.matches}/`);
  return parts.join(' and ') || 'anything';
}

const quote = (s: string, max = 80) => JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s);

/** Makes a checker from code. `check` may return a boolean with a reason, or a full result. */
export function defineChecker(
  id: string,
  check: (state: StateReader) => Promise<{ pass: boolean; reason: string }>,
): TaskChecker {
  return {
    id,
    async check(state) {
      const r = await check(state);
      return { pass: r.pass, reason: r.reason, checker: id };
    },
  };
}

async function need<K extends keyof StateReader>(
  state: StateReader,
  capability: K,
  checker: string,
): Promise<Awaited<ReturnType<NonNullable<StateReader[K]>>>> {
  const read = state[capability] as (() => Promise<unknown>) | undefined;
  if (read === undefined) throw new LAM_StateReaderError({ checker, capability });
  try {
    return (await read.call(state)) as Awaited<ReturnType<NonNullable<StateReader[K]>>>;
  } catch (cause) {
    throw new LAM_StateReaderError({ checker, capability, cause });
  }
}

function formatMismatches(format: TextFormat, spec: Partial<Record<keyof TextFormat, unknown>>): string[] {
  const wrong: string[] = [];
  for (const key of Object.keys(spec) as (keyof TextFormat)[]) {
    const want = spec[key];
    if (want === undefined) continue;
    const have = format[key];
    const same =
      typeof want === 'string' && typeof have === 'string'
        ? want.toLowerCase() === have.toLowerCase()
        : want === have;
    if (!same)
      wrong.push(
        `${key} is ${have === undefined ? 'unset' : JSON.stringify(have)}, not ${JSON.stringify(want)}`,
      );
  }
  return wrong;
}

/** The runs of `paragraph` that overlap the first occurrence of `text` (case-insensitive). */
function runsCovering(paragraph: DocParagraph, text: string) {
  const at = paragraph.text.toLowerCase().indexOf(text.toLowerCase());
  if (at === -1) return undefined;
  const end = at + text.length;
  let pos = 0;
  const covering = [];
  for (const run of paragraph.runs) {
    const runEnd = pos + run.text.length;
    if (run.text.trim() !== '' && runEnd > at && pos < end) covering.push(run);
    pos = runEnd;
  }
  return covering;
}

function specId(spec: CheckerSpec): string {
  switch (spec.kind) {
    case 'document-text':
      return `document-text(${describeMatch(spec.text)})`;
    case 'document-format':
      return `document-format(${quote(spec.text, 40)})`;
    case 'document-page':
      return `document-page(${spec.orientation})`;
    case 'document-table':
      return `document-table(${spec.table ?? 0})`;
    case 'document-table-cell':
      return `document-table-cell(${spec.table === undefined ? '' : `${spec.table}.`}${spec.cell})`;
    case 'cell':
      return `cell(${spec.sheet === undefined ? '' : `${spec.sheet}.`}${spec.cell})`;
    case 'page-url':
      return `page-url(${describeMatch(spec.url)})`;
    case 'page-title':
      return `page-title(${describeMatch(spec.title)})`;
    case 'page-element':
      return `page-element(${spec.selector})`;
    default:
      return spec.kind;
  }
}

/** The table a checker names, or why there is none. */
function findTable(
  doc: TextDocumentState,
  ref: number | string | undefined,
): { table: TextDocumentState['tables'][number]; index: number; label: string } | string {
  const index =
    typeof ref === 'string'
      ? doc.tables.findIndex((t) => (t.name ?? '').toLowerCase() === ref.toLowerCase())
      : (ref ?? 0);
  const table = doc.tables[index];
  if (table !== undefined)
    return { table, index, label: `table ${table.name ? JSON.stringify(table.name) : index}` };
  if (doc.tables.length === 0) return 'the document has no table';
  const list = doc.tables
    .map((t, i) => `${t.name ? JSON.stringify(t.name) : i} (${t.rows.length} × ${columnsOf(t)})`)
    .join(', ');
  return `there is no table ${JSON.stringify(ref)}; the document's tables: ${list}`;
}

function columnsOf(table: { rows: string[][] }): number {
  return Math.max(0, ...table.rows.map((r) => r.length));
}

/** `B3` → [2, 1]: the row and column (0-based) of an A1 reference. */
function cellPosition(ref: string): [number, number] {
  const [, letters = '', digits = ''] = /^([A-Z]+)([0-9]+)$/.exec(ref) ?? [];
  let column = 0;
  for (const ch of letters) column = column * 26 + (ch.charCodeAt(0) - 64);
  return [Number(digits) - 1, column - 1];
}

function valueEquals(have: CellValue, want: CellValue, tolerance: number): boolean {
  if (typeof want === 'number') {
    const n = typeof have === 'number' ? have : typeof have === 'string' ? Number(have) : Number.NaN;
    return Math.abs(n - want) <= tolerance;
  }
  if (typeof want === 'string' && typeof have === 'string') return have.trim() === want.trim();
  return have === want;
}

async function runSpec(spec: CheckerSpec, state: StateReader, id: string): Promise<CheckResult> {
  const result = (pass: boolean, reason: string): CheckResult => ({ pass, reason, checker: id });
  switch (spec.kind) {
    case 'document-text': {
      const doc = await need(state, 'textDocument', id);
      const found = textMatches(doc.text, spec.text);
      const present = spec.present ?? true;
      return result(
        found === present,
        `the document text ${found ? 'does' : 'does not'} satisfy "${describeMatch(spec.text)}"${present ? '' : ' (it must not)'}`,
      );
    }
    case 'document-format': {
      const doc = await need(state, 'textDocument', id);
      const paragraphs = doc.paragraphs.filter((p) => p.text.toLowerCase().includes(spec.text.toLowerCase()));
      if (paragraphs.length === 0)
        return result(false, `the text ${quote(spec.text)} is not in the document`);
      const { kind: _k, text: _t, style, alignment, lineSpacing, bullet, ...format } = spec;
      const problems: string[] = [];
      for (const p of paragraphs) {
        const wrong: string[] = [];
        for (const run of runsCovering(p, spec.text) ?? []) {
          for (const w of formatMismatches(run, format)) wrong.push(`${quote(run.text, 30)}: ${w}`);
        }
        if (style !== undefined && (p.style ?? '').toLowerCase() !== style.toLowerCase())
          wrong.push(
            `paragraph style is ${JSON.stringify(p.style ?? 'unset')}, not ${JSON.stringify(style)}`,
          );
        if (alignment !== undefined && (p.alignment ?? 'start') !== alignment)
          wrong.push(
            `alignment is ${JSON.stringify(p.alignment ?? 'start')}, not ${JSON.stringify(alignment)}`,
          );
        if (lineSpacing !== undefined && p.lineSpacing !== lineSpacing)
          wrong.push(
            `line spacing is ${JSON.stringify(p.lineSpacing ?? 'unset')}, not ${JSON.stringify(lineSpacing)}`,
          );
        if (bullet !== undefined && (p.list?.bullet ?? false) !== bullet)
          wrong.push(
            bullet ? 'the paragraph is not a bulleted list item' : 'the paragraph is a bulleted list item',
          );
        if (wrong.length === 0) return result(true, `${quote(spec.text)} has the required formatting`);
        problems.push(...wrong);
      }
      return result(
        false,
        `${quote(spec.text)} is not formatted as required: ${problems.slice(0, 4).join('; ')}`,
      );
    }
    case 'document-page': {
      const doc = await need(state, 'textDocument', id);
      return result(
        doc.page.orientation === spec.orientation,
        `the page orientation is ${doc.page.orientation}${doc.page.orientation === spec.orientation ? '' : `, not ${spec.orientation}`}`,
      );
    }
    case 'document-table': {
      const doc = await need(state, 'textDocument', id);
      const found = findTable(doc, spec.table);
      if (typeof found === 'string') return result(false, found);
      const { table, label } = found;
      const columns = columnsOf(table);
      const wrong: string[] = [];
      if (spec.rows !== undefined && table.rows.length !== spec.rows)
        wrong.push(`it has ${table.rows.length} rows, not ${spec.rows}`);
      if (spec.columns !== undefined && columns !== spec.columns)
        wrong.push(`it has ${columns} columns, not ${spec.columns}`);
      return wrong.length === 0
        ? result(true, `${label} is there (${table.rows.length} × ${columns})`)
        : result(false, `${label}: ${wrong.join('; ')}`);
    }
    case 'document-table-cell': {
      const doc = await need(state, 'textDocument', id);
      const found = findTable(doc, spec.table);
      if (typeof found === 'string') return result(false, found);
      const { table, index, label } = found;
      const ref = spec.cell.toUpperCase();
      const [row, column] = cellPosition(ref);
      const text = table.rows[row]?.[column];
      if (text === undefined)
        return result(
          false,
          `${label} has no cell ${ref}: it has ${table.rows.length} rows and ${columnsOf(table)} columns`,
        );
      const { kind: _k, table: _t, cell: _c, text: match, ...format } = spec;
      const wrong: string[] = [];
      if (match !== undefined && !textMatches(text, match))
        wrong.push(`its text ${quote(text)} does not satisfy "${describeMatch(match)}"`);
      const runs = doc.paragraphs
        .filter((p) => p.table === index && p.cell === ref)
        .flatMap((p) => p.runs)
        .filter((r) => r.text.trim() !== '');
      if (runs.length === 0 && Object.values(format).includes(true)) wrong.push('it is empty');
      for (const run of runs)
        for (const w of formatMismatches(run, format)) wrong.push(`${quote(run.text, 30)}: ${w}`);
      return wrong.length === 0
        ? result(true, `${ref} of ${label} is as required (${quote(text)})`)
        : result(false, `${ref} of ${label}: ${wrong.slice(0, 4).join('; ')}`);
    }
    case 'cell': {
      const book = await need(state, 'spreadsheet', id);
      const sheet =
        spec.sheet === undefined ? book.sheets[0] : book.sheets.find((s) => s.name === spec.sheet);
      if (sheet === undefined)
        return result(
          false,
          `there is no sheet ${JSON.stringify(spec.sheet ?? '(first)')}; sheets: ${book.sheets.map((s) => s.name).join(', ')}`,
        );
      const ref = spec.cell.toUpperCase();
      const cell = sheet.cells[ref];
      const where = `${sheet.name}.${ref}`;
      const wrong: string[] = [];
      const value = cell?.value ?? null;
      if (spec.value !== undefined && !valueEquals(value, spec.value, spec.tolerance ?? 1e-9))
        wrong.push(`its value is ${JSON.stringify(value)}, not ${JSON.stringify(spec.value)}`);
      if (spec.text !== undefined && !textMatches(cell?.text ?? '', spec.text))
        wrong.push(`its text ${quote(cell?.text ?? '')} does not satisfy "${describeMatch(spec.text)}"`);
      if (spec.formula !== undefined && !textMatches(cell?.formula ?? '', spec.formula))
        wrong.push(
          `its formula ${quote(cell?.formula ?? '(none)')} does not satisfy "${describeMatch(spec.formula)}"`,
        );
      const format = { bold: spec.bold, italic: spec.italic };
      if (cell !== undefined) wrong.push(...formatMismatches(cell.format, format));
      else if (spec.bold === true || spec.italic === true) wrong.push('it is empty and unformatted');
      return wrong.length === 0
        ? result(true, `${where} is as required (value ${JSON.stringify(value)})`)
        : result(false, `${where}: ${wrong.join('; ')}`);
    }
    case 'page-url': {
      const page = await need(state, 'page', id);
      const url = await page.url();
      const ok = textMatches(url, spec.url);
      return result(
        ok,
        `the page URL ${url} ${ok ? 'satisfies' : 'does not satisfy'} "${describeMatch(spec.url)}"`,
      );
    }
    case 'page-title': {
      const page = await need(state, 'page', id);
      const title = await page.title();
      const ok = textMatches(title, spec.title);
      return result(
        ok,
        `the page title ${quote(title)} ${ok ? 'satisfies' : 'does not satisfy'} "${describeMatch(spec.title)}"`,
      );
    }
    case 'page-element': {
      const page = await need(state, 'page', id);
      const elements = await page.query(spec.selector);
      if (spec.count !== undefined && elements.length !== spec.count)
        return result(false, `${elements.length} elements match ${spec.selector}, not ${spec.count}`);
      if (spec.count === undefined && elements.length === 0)
        return result(false, `no element matches ${spec.selector}`);
      const fits = elements.filter(
        (e) =>
          (spec.text === undefined || textMatches(e.text, spec.text)) &&
          (spec.value === undefined || textMatches(e.value ?? '', spec.value)) &&
          (spec.checked === undefined || e.checked === spec.checked) &&
          (spec.visible === undefined || e.visible === spec.visible),
      );
      const needed = spec.count === 0 ? 0 : 1;
      if (fits.length >= needed)
        return result(true, `${spec.selector}: ${elements.length} found, as required`);
      const first = elements[0]!;
      const seen = [
        `text ${quote(first.text)}`,
        first.value === undefined ? '' : `value ${quote(first.value)}`,
        first.checked === undefined ? '' : `checked ${first.checked}`,
        `visible ${first.visible}`,
      ].filter((s) => s !== '');
      return result(false, `no ${spec.selector} element is as required; the first has ${seen.join(', ')}`);
    }
    case 'all': {
      const parts = await Promise.all(spec.of.map((s) => createChecker(s).check(state)));
      const failed = parts.filter((p) => !p.pass);
      return {
        ...result(
          failed.length === 0,
          failed.length === 0 ? 'every check passed' : failed.map((p) => p.reason).join('; '),
        ),
        parts,
      };
    }
    case 'any': {
      const parts = await Promise.all(spec.of.map((s) => createChecker(s).check(state)));
      const passed = parts.find((p) => p.pass);
      return {
        ...result(
          passed !== undefined,
          passed?.reason ?? `no check passed: ${parts.map((p) => p.reason).join('; ')}`,
        ),
        parts,
      };
    }
    case 'not': {
      const inner = await createChecker(spec.check).check(state);
      return { ...result(!inner.pass, `not (${inner.reason})`), parts: [inner] };
    }
  }
}

/**
 * Makes a checker from a {@link CheckerSpec} (validated first). Checkers are independent of any
 * backend: they read the final state through the {@link StateReader} they are given.
 */
export function createChecker(spec: CheckerSpec): TaskChecker {
  const parsed = validate(CheckerSpec, spec, { record: 'checker spec' });
  const id = specId(parsed);
  return { id, check: (state) => runSpec(parsed, state, id) };
}
