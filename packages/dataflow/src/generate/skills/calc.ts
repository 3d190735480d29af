import type { CheckerSpec } from '@lam/eval';
import { columnLetter } from '../content';
import {
  type AnySkill,
  asCalc,
  click,
  gridKeys,
  menu,
  type Phrasing,
  type Skill,
  selectRange,
} from '../skill';
import { pickWholeRow, rowCells, rowRange, sampleValueColumn } from './samplers';
import { pickRow } from './targets';

const ph = (...templates: string[]): Phrasing[] =>
  templates.map((template, i) => ({ id: `p${i + 1}`, template }));

type Params = Record<string, string | number | (string | number)[]>;

type CellExpectation = Omit<Extract<CheckerSpec, { kind: 'cell' }>, 'kind' | 'cell'>;

/** Checks that each of `cells` meets `expected` (bold, italic, empty...). */
const eachCell = (cells: string[], expected: CellExpectation): CheckerSpec => ({
  kind: 'all',
  of: cells.map((cell) => ({ kind: 'cell', cell, ...expected })),
});

/** The `<cell>=<value>` checks of {@link sampleValueColumn}, parsed. */
const checkedCells = (checks: string[]) =>
  checks.map((x) => {
    const [cell, value] = x.split('=') as [string, string];
    return { cell, value: Number(value) };
  });

const boldHeader: Skill<Params> = {
  id: 'calc-bold-header',
  app: 'calc',
  sample(doc, rng, claims) {
    const c = asCalc(doc);
    if (c === undefined || claims.has('header')) return undefined;
    const range = rowRange(c, 1);
    return {
      params: { range, cells: rowCells(c, 1) },
      slots: { range },
      targets: {
        quoted: `the header row (${range})`,
        described: rng.pick(['the header row', 'the column headings', 'the first row']),
      },
      claims: ['header'],
    };
  },
  phrasings: ph(
    'Make {target} bold.',
    'Please bold {target}.',
    'bold {target}',
    'Could you put {target} in bold?',
    '{target} should be bold.',
    'Format {target} in bold type.',
    'I want {target} to stand out in bold.',
    'Apply bold to {target}.',
  ),
  routes: [
    { id: 'toolbar', steps: (p) => [selectRange(String(p.range)), click('Bold', 'Click Bold')] },
    { id: 'shortcut', steps: (p) => [selectRange(String(p.range)), gridKeys('^b', 'Press Ctrl+B')] },
  ],
  checker: (p) => eachCell(p.cells as string[], { bold: true }),
};

const italicRow: Skill<Params> = {
  id: 'calc-italic-row',
  app: 'calc',
  sample(doc, rng, claims) {
    const r = pickWholeRow(doc, rng, claims, ['order']);
    if (r === undefined) return undefined;
    return {
      params: { range: r.range, cells: r.cells },
      slots: {},
      targets: { quoted: `row ${r.row} (${r.range})`, described: `the row for ${r.label}` },
      claims: [`row:${r.row}`, 'rows'],
    };
  },
  phrasings: ph(
    'Italicize {target}.',
    'Please make {target} italic.',
    'italic {target}',
    'Could you set {target} in italics?',
    '{target} should be in italics.',
    'Put {target} in italic type.',
    'I want {target} slanted.',
    'Apply italic formatting to {target}.',
  ),
  routes: [
    { id: 'toolbar', steps: (p) => [selectRange(String(p.range)), click('Italic', 'Click Italic')] },
    { id: 'shortcut', steps: (p) => [selectRange(String(p.range)), gridKeys('^i', 'Press Ctrl+I')] },
  ],
  checker: (p) => eachCell(p.cells as string[], { italic: true }),
};

const FUNCS = { SUM: 'total', AVERAGE: 'average', MAX: 'largest value', MIN: 'smallest value' } as const;
type Fn = keyof typeof FUNCS;
const formula: Skill<Params> = {
  id: 'calc-formula',
  app: 'calc',
  sample(doc, rng, claims) {
    const c = asCalc(doc);
    if (c === undefined || claims.has('below') || claims.has('values')) return undefined;
    const col = rng.int(1, c.header.length - 1);
    const letter = columnLetter(col);
    const fn = rng.pick(Object.keys(FUNCS) as Fn[]);
    const last = c.rows.length + 1;
    const cell = `${letter}${last + 1}`;
    const values = c.rows.map((r) => Number(r[col]));
    const value =
      fn === 'SUM'
        ? values.reduce((a, b) => a + b, 0)
        : fn === 'AVERAGE'
          ? values.reduce((a, b) => a + b, 0) / values.length
          : fn === 'MAX'
            ? Math.max(...values)
            : Math.min(...values);
    const formulaText = `=${fn}(${letter}2:${letter}${last})`;
    return {
      params: { cell, formula: formulaText, value, fn },
      slots: {
        cell,
        what: FUNCS[fn],
        fn,
        column: String(c.header[col]),
        range: `${letter}2:${letter}${last}`,
      },
      targets: { quoted: cell },
      claims: ['below', 'reads-values'],
    };
  },
  phrasings: ph(
    'In {cell}, put the {what} of the {column} column.',
    'Please write a formula in {cell} that gives the {what} of {range}.',
    '{cell}: {fn} of {range}',
    'Could you compute the {what} of the {column} figures in {cell}?',
    'I need the {what} of {column} below the data, in {cell}.',
    'Add a {fn} formula for {range} in cell {cell}.',
    'Show the {what} of column {column} in {cell}, as a formula.',
    'Cell {cell} should hold the {what} of {range}.',
  ),
  routes: [
    {
      id: 'api',
      steps: (p) => [
        {
          subtask: `Write ${p.formula} in ${p.cell}`,
          function: 'set_cell_values',
          args: { start: String(p.cell), values: [[String(p.formula)]] },
        },
      ],
    },
    {
      id: 'typed',
      steps: (p) => [
        selectRange(String(p.cell)),
        gridKeys(`${p.formula}{ENTER}`, `Type ${p.formula} and press Enter`),
      ],
    },
  ],
  checker: (p) => ({
    kind: 'cell',
    cell: String(p.cell),
    value: Number(p.value),
    tolerance: 0.01,
    formula: { matches: `^${String(p.formula).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$` },
  }),
};

const NEW_ROWS: Record<string, string[]> = {
  item: ['Cleaning', 'Parking', 'Books', 'Printing'],
  student: ['Lara', 'Omar', 'Nina', 'Tom'],
  product: ['Glue', 'Scissors', 'Rulers', 'Clips'],
  month: ['December', 'November'],
  category: ['Laundry', 'Tips'],
};
const enterRow: Skill<Params> = {
  id: 'calc-enter-row',
  app: 'calc',
  sample(doc, rng, claims) {
    const c = asCalc(doc);
    if (c === undefined || claims.has('below')) return undefined;
    // A label that begins an existing one would be completed by AutoInput while typed.
    const labels = (NEW_ROWS[c.rowNoun] ?? ['Other']).filter(
      (l) =>
        !c.rows.some(
          (r) =>
            String(r[0]).toLowerCase().startsWith(l.toLowerCase()) ||
            l.toLowerCase().startsWith(String(r[0]).toLowerCase()),
        ),
    );
    if (labels.length === 0) return undefined;
    const label = rng.pick(labels);
    const values: (string | number)[] = [label, ...c.header.slice(1).map(() => rng.int(10, 300))];
    const row = c.rows.length + 2;
    return {
      params: { row, values },
      slots: {
        label,
        row: String(row),
        values: values.slice(1).join(', '),
        pairs: c.header
          .slice(1)
          .map((h, i) => `${h} ${values[i + 1]}`)
          .join(', '),
        noun: c.rowNoun,
      },
      targets: { quoted: `row ${row}` },
      claims: ['below'],
    };
  },
  phrasings: ph(
    'Add a row for {label} with {pairs}.',
    'Please enter a new {noun} "{label}" in row {row}: {values}.',
    'new row: {label}, {values}',
    'Could you add {label} at the bottom with the values {values}?',
    'The sheet is missing {label}; add it with {pairs}.',
    'Append {label} ({pairs}) below the last {noun}.',
    'I need a row {row} that reads {label}, {values}.',
    'Type {label} and {values} into row {row}.',
  ),
  routes: [
    {
      id: 'api',
      steps: (p) => [
        {
          subtask: `Enter the new row in row ${p.row}`,
          function: 'set_cell_values',
          args: { start: `A${p.row}`, values: [p.values as (string | number)[]] },
        },
      ],
    },
    {
      id: 'typed',
      // One cell at a time: Tab between values typed in one go is not reliable over xdotool.
      steps: (p) =>
        (p.values as (string | number)[]).flatMap((value, i) => [
          selectRange(`${columnLetter(i)}${p.row}`),
          gridKeys(`${value}{ENTER}`, `Type ${value} and press Enter`),
        ]),
    },
  ],
  checker: (p) => ({
    kind: 'all',
    of: (p.values as (string | number)[]).map((value, i) => ({
      kind: 'cell',
      cell: `${columnLetter(i)}${p.row}`,
      value,
    })),
  }),
};

const updateCell: Skill<Params> = {
  id: 'calc-update-cell',
  app: 'calc',
  sample(doc, rng, claims) {
    const c = asCalc(doc);
    const r = c && !claims.has('order') && !claims.has('reads-values') ? pickRow(c, rng, claims) : undefined;
    if (c === undefined || r === undefined) return undefined;
    const col = rng.int(1, c.header.length - 1);
    const cell = `${columnLetter(col)}${r.row}`;
    const old = Number((c.rows[r.index] as unknown[])[col]);
    let value = rng.int(10, 500);
    if (value === old) value++;
    return {
      params: { cell, value },
      slots: { cell, value: String(value), label: r.label, column: String(c.header[col]) },
      targets: { quoted: cell, described: `the ${c.header[col]} value for ${r.label}` },
      claims: [`row:${r.row}`, 'rows', 'values'],
    };
  },
  phrasings: ph(
    'Change {target} to {value}.',
    'Please set {target} to {value}.',
    '{target} = {value}',
    'Could you update {target} to {value}?',
    '{target} is wrong; it should be {value}.',
    'Enter {value} as {target}.',
    'I need {target} corrected to {value}.',
    'Overwrite {target} with {value}.',
  ),
  routes: [
    {
      id: 'typed',
      steps: (p) => [
        selectRange(String(p.cell)),
        gridKeys(`${p.value}{ENTER}`, `Type ${p.value} and press Enter`),
      ],
    },
    {
      id: 'api',
      steps: (p) => [
        {
          subtask: `Write ${p.value} in ${p.cell}`,
          function: 'set_cell_values',
          args: { start: String(p.cell), values: [[Number(p.value)]] },
        },
      ],
    },
  ],
  checker: (p) => ({ kind: 'cell', cell: String(p.cell), value: Number(p.value) }),
};

const currency: Skill<Params> = {
  id: 'calc-currency',
  app: 'calc',
  sample: sampleValueColumn,
  phrasings: ph(
    'Format {target} as currency.',
    'Please show {target} in dollars.',
    'currency format {target}',
    'Could you apply the currency number format to {target}?',
    '{target} should be displayed as money.',
    'Make the numbers in {target} look like amounts in dollars.',
    'I want a dollar sign and two decimals on {target}.',
    'Use the currency format for {target}.',
  ),
  routes: [
    { id: 'toolbar', steps: (p) => [selectRange(String(p.range)), click('Currency', 'Click Currency')] },
  ],
  checker: (p) => ({
    kind: 'all',
    of: checkedCells(p.checks as string[]).map(({ cell, value }) => ({
      kind: 'cell',
      cell,
      value,
      text: { matches: '^\\$[0-9,]+\\.00$' },
    })),
  }),
};

const NEW_NAMES = ['Summary', 'Data', 'Final', 'Draft', 'Report', 'Year 2024', 'Archive', 'Q3'];
const renameSheet: Skill<Params> = {
  id: 'calc-rename-sheet',
  app: 'calc',
  sample(doc, rng, claims) {
    const c = asCalc(doc);
    if (c === undefined || claims.has('sheet')) return undefined;
    const name = rng.pick(NEW_NAMES.filter((n) => n !== c.sheet));
    return {
      params: { name, a1: String(c.header[0]) },
      slots: { old: c.sheet, name },
      targets: { quoted: `"${c.sheet}"`, described: 'the sheet' },
      claims: ['sheet'],
    };
  },
  phrasings: ph(
    'Rename {target} to "{name}".',
    'Please call the sheet "{name}" instead of "{old}".',
    'sheet name: {name}',
    'Could you rename the "{old}" tab to "{name}"?',
    'The sheet should be named "{name}".',
    'Change the name of {target} to "{name}".',
    'I want the tab to read "{name}".',
    'Give {target} the new name "{name}".',
  ),
  routes: [
    {
      id: 'menu',
      steps: (p) => [
        ...menu(['Sheet', 'Rename Sheet...']),
        {
          subtask: `Type ${p.name}`,
          function: 'keyboard_input',
          args: { keys: `^a${p.name}` },
          control: { name: 'Enter a new name for the sheet here.' },
        },
        click('OK', 'Click OK'),
      ],
    },
  ],
  checker: (p) => ({ kind: 'cell', sheet: String(p.name), cell: 'A1', value: String(p.a1) }),
};

const sort: Skill<Params> = {
  id: 'calc-sort',
  app: 'calc',
  sample(doc, rng, claims) {
    const c = asCalc(doc);
    if (c === undefined || claims.has('rows') || claims.has('order') || claims.has('reads-values'))
      return undefined;
    const desc = rng.chance(0.5);
    const labels = c.rows.map((r) => String(r[0]));
    const sorted = c.rows
      .map((r) => r)
      .sort(
        (a, b) => String(a[0]).localeCompare(String(b[0]), 'en', { sensitivity: 'base' }) * (desc ? -1 : 1),
      );
    if (sorted.every((r, i) => r[0] === labels[i])) return undefined;
    const range = `A2:${columnLetter(c.header.length - 1)}${c.rows.length + 1}`;
    return {
      params: {
        range,
        desc: desc ? 1 : 0,
        first: sorted[0] as (string | number)[],
        lastRow: sorted.at(-1) as (string | number)[],
        n: c.rows.length,
      },
      slots: {
        range,
        column: String(c.header[0]),
        order: desc ? 'Z to A' : 'A to Z',
        dir: desc ? 'descending' : 'ascending',
        noun: c.rowNoun,
        nouns: c.rowNoun === 'category' ? 'categories' : `${c.rowNoun}s`,
      },
      targets: { quoted: range, described: `the ${c.rowNoun} rows` },
      claims: ['order', 'rows', 'values'],
    };
  },
  phrasings: ph(
    'Sort {target} by {column} from {order}.',
    'Please sort the rows {range} in {dir} order of {column}, keeping rows together.',
    'sort {range} {dir}',
    'Could you order {target} by {column}, {order}?',
    '{target} should be sorted {order} by {column}.',
    'Put the {nouns} in {dir} order.',
    'I want {target} arranged {order} by their {column}.',
    'Arrange {range} by column A, {dir}.',
  ),
  routes: [
    {
      id: 'toolbar',
      steps: (p) => [
        selectRange(String(p.range)),
        click(
          p.desc ? 'Sort Descending' : 'Sort Ascending',
          p.desc ? 'Click Sort Descending' : 'Click Sort Ascending',
        ),
      ],
    },
  ],
  checker: (p) => {
    const first = p.first as (string | number)[];
    const last = p.lastRow as (string | number)[];
    const n = Number(p.n) + 1;
    return {
      kind: 'all',
      of: [
        ...first.map((value, i) => ({ kind: 'cell' as const, cell: `${columnLetter(i)}2`, value })),
        ...last.map((value, i) => ({ kind: 'cell' as const, cell: `${columnLetter(i)}${n}`, value })),
      ],
    };
  },
};

const clearRow: Skill<Params> = {
  id: 'calc-clear-row',
  app: 'calc',
  sample(doc, rng, claims) {
    const r = pickWholeRow(doc, rng, claims, ['order', 'reads-values']);
    if (r === undefined) return undefined;
    return {
      params: { range: r.range, cells: r.cells },
      slots: { range: r.range, label: r.label },
      targets: { quoted: `row ${r.row} (${r.range})`, described: `the row for ${r.label}` },
      claims: [`row:${r.row}`, 'rows', 'values'],
    };
  },
  phrasings: ph(
    'Clear the contents of {target}.',
    'Please empty {target}.',
    'clear {range}',
    'Could you delete the values in {target}, leaving the row in place?',
    '{target} is obsolete: clear its cells.',
    'Remove everything in {target} but keep the empty row.',
    'I want {target} blank.',
    'Erase the data of {target}.',
  ),
  routes: [
    { id: 'keyboard', steps: (p) => [selectRange(String(p.range)), gridKeys('{DELETE}', 'Press Delete')] },
  ],
  checker: (p) => eachCell(p.cells as string[], { value: null }),
};

const numberFormat: Skill<Params> = {
  id: 'calc-number-format',
  app: 'calc',
  sample: sampleValueColumn,
  phrasings: ph(
    'Show {target} with two decimal places and a thousands separator.',
    'Please apply the number format to {target}.',
    'number format {target}',
    'Could you format {target} as numbers with 2 decimals?',
    '{target} should show two decimals.',
    'Give {target} the standard number format (1,234.00).',
    'I want {target} displayed like 1,234.00.',
    'Format the figures in {target} with decimals and separators.',
  ),
  routes: [{ id: 'toolbar', steps: (p) => [selectRange(String(p.range)), click('Number', 'Click Number')] }],
  checker: (p) => ({
    kind: 'all',
    of: checkedCells(p.checks as string[]).map(({ cell, value }) => {
      const text = value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
      return { kind: 'cell', cell, value, text: { equals: text } };
    }),
  }),
};

const totalColumn: Skill<Params> = {
  id: 'calc-total-column',
  app: 'calc',
  sample(doc, _rng, claims) {
    const c = asCalc(doc);
    if (c === undefined || claims.has('order') || claims.has('right') || claims.has('values'))
      return undefined;
    const col = c.header.length;
    const letter = columnLetter(col);
    const formulas = c.rows.map(
      (_, i) =>
        `=${c.header
          .slice(1)
          .map((__, j) => `${columnLetter(j + 1)}${i + 2}`)
          .join('+')}`,
    );
    const values = c.rows.map((r) => r.slice(1).reduce<number>((a, b) => a + Number(b), 0));
    return {
      params: { letter, formulas, values },
      slots: {
        column: letter,
        first: String(formulas[0]),
        noun: c.rowNoun,
        cols: `${columnLetter(1)} to ${columnLetter(col - 1)}`,
      },
      targets: { quoted: `column ${letter}` },
      claims: ['right', 'order', 'reads-values'],
    };
  },
  phrasings: ph(
    'Add a "Total" column in {column} that adds up each row.',
    'Please put a Total heading in {column}1 and, below it, the sum of columns {cols} for every {noun}.',
    'total column {column}: {first} and so on',
    'Could you add row totals in column {column}, with the heading "Total"?',
    'Each {noun} needs a total in column {column} (heading "Total").',
    'Create a Total column in {column} with a formula per row.',
    'I want the sum of each row in column {column}, titled Total.',
    'In column {column}, write "Total" and a formula like {first} for each row.',
  ),
  routes: [
    {
      id: 'api',
      steps: (p) => [
        {
          subtask: `Write the Total heading and row formulas in column ${p.letter}`,
          function: 'set_cell_values',
          args: { start: `${p.letter}1`, values: [['Total'], ...(p.formulas as string[]).map((f) => [f])] },
        },
      ],
    },
  ],
  checker: (p) => ({
    kind: 'all',
    of: [
      { kind: 'cell', cell: `${p.letter}1`, value: 'Total' },
      ...(p.formulas as string[]).map((f, i) => ({
        kind: 'cell' as const,
        cell: `${p.letter}${i + 2}`,
        value: (p.values as number[])[i] as number,
        formula: { equals: f },
      })),
    ],
  }),
};

/** The Calc skills of the catalogue. */
export const CALC_SKILLS: AnySkill[] = [
  boldHeader,
  italicRow,
  formula,
  enterRow,
  updateCell,
  currency,
  renameSheet,
  sort,
  clearRow,
  numberFormat,
  totalColumn,
];
