import type { CheckerSpec } from '@lam/eval';
import { paragraphsOf } from '../content';
import {
  type AnySkill,
  asWriter,
  click,
  keys,
  menu,
  type Phrasing,
  type Route,
  type RouteStep,
  type Skill,
  selectText,
} from '../skill';
import { type PhraseParams, sampleParagraph, sampleParagraphAndValue, samplePhrase } from './samplers';

const ph = (...templates: string[]): Phrasing[] =>
  templates.map((template, i) => ({ id: `p${i + 1}`, template }));

/** Character formatting of a phrase (bold, italic, ...): toolbar button, shortcut, Format menu. */
function charSkill(o: {
  id: string;
  format: 'bold' | 'italic' | 'underline' | 'strikethrough';
  button: string;
  shortcut?: string;
  menuPath?: string[];
  phrasings: Phrasing[];
  title?: boolean;
}): Skill<PhraseParams> {
  const routes: Route<PhraseParams>[] = [
    {
      id: 'toolbar',
      steps: (p) => [selectText(p.phrase), click(o.button, `Click ${o.button} on the toolbar`)],
    },
  ];
  if (o.shortcut !== undefined) {
    const k = o.shortcut;
    routes.push({
      id: 'shortcut',
      steps: (p) => [selectText(p.phrase), keys(k, `Press Ctrl+${k.slice(1).toUpperCase()}`)],
    });
  }
  if (o.menuPath !== undefined) {
    const path = o.menuPath;
    routes.push({ id: 'menu', steps: (p) => [selectText(p.phrase), ...menu(path)] });
  }
  return {
    id: o.id,
    app: 'writer',
    sample: samplePhrase({ title: o.title ?? false }),
    phrasings: o.phrasings,
    routes,
    checker: (p) => ({ kind: 'document-format', text: p.phrase, [o.format]: true }) as CheckerSpec,
  };
}

const bold = charSkill({
  id: 'writer-bold',
  format: 'bold',
  button: 'Bold',
  shortcut: '^b',
  menuPath: ['Format', 'Text', 'Bold'],
  phrasings: ph(
    'Make {target} bold.',
    'Please bold {target}.',
    'bold {target}',
    'Could you put {target} in bold type?',
    '{target} should stand out in bold.',
    'Set {target} in boldface, please.',
    'I need {target} to be bold.',
    'Apply bold to {target}.',
    'Give {target} a bold weight.',
    'Embolden {target}.',
  ),
});
const italic = charSkill({
  id: 'writer-italic',
  format: 'italic',
  button: 'Italic',
  shortcut: '^i',
  menuPath: ['Format', 'Text', 'Italic'],
  phrasings: ph(
    'Italicize {target}.',
    'Please make {target} italic.',
    'italic: {target}',
    'Could you set {target} in italics?',
    '{target} ought to be in italics.',
    'Put {target} in italic type.',
    'I would like {target} slanted, in italics.',
    'Apply italic formatting to {target}.',
    'Emphasise {target} with italics.',
  ),
});
const underline = charSkill({
  id: 'writer-underline',
  format: 'underline',
  button: 'Underline',
  shortcut: '^u',
  phrasings: ph(
    'Underline {target}.',
    'Please underline {target}.',
    'underline {target}',
    'Could you draw a line under {target}?',
    '{target} needs an underline.',
    'Add underlining to {target}.',
    'I want {target} underlined.',
    'Make {target} underlined, thanks.',
  ),
});
const strike = charSkill({
  id: 'writer-strikethrough',
  format: 'strikethrough',
  button: 'Strikethrough',
  menuPath: ['Format', 'Text', 'Strikethrough'],
  phrasings: ph(
    'Strike through {target}.',
    'Please cross out {target}.',
    'strikethrough {target}',
    'Could you put a line through {target}?',
    '{target} is obsolete: strike it through.',
    'Apply strikethrough to {target}.',
    'I need {target} crossed out but still readable.',
    'Mark {target} as deleted with a strikethrough.',
  ),
});

const SIZES = [14, 16, 18, 20, 24, 28];
const fontSize: Skill<PhraseParams> = {
  id: 'writer-font-size',
  app: 'writer',
  sample: sampleParagraphAndValue({ title: false, values: SIZES, param: 'size' }),
  phrasings: ph(
    'Set {target} to {size} pt.',
    'Please change the font size of {target} to {size} points.',
    'size {size} for {target}',
    'Could you make {target} {size}-point text?',
    '{target} should be {size} pt.',
    'Enlarge {target} to {size} points.',
    'I want the text of {target} at size {size}.',
    'Change {target} to font size {size}.',
  ),
  routes: [
    {
      id: 'api',
      steps: (p) => [
        selectText(p.phrase),
        {
          subtask: `Set the size to ${p.size} pt`,
          function: 'set_font',
          args: { font_size: Number(p.size) },
        },
      ],
    },
  ],
  checker: (p) => ({ kind: 'document-format', text: p.phrase, size: Number(p.size) }),
};

const FONTS = ['DejaVu Sans Mono', 'DejaVu Sans', 'Liberation Mono', 'Liberation Sans'];
const fontName: Skill<PhraseParams> = {
  id: 'writer-font-name',
  app: 'writer',
  sample: sampleParagraphAndValue({ title: false, values: FONTS, param: 'font' }),
  phrasings: ph(
    'Change the font of {target} to {font}.',
    'Please set {target} in {font}.',
    'font {font} for {target}',
    'Could you use {font} for {target}?',
    '{target} should be in {font}.',
    'Switch {target} to the {font} typeface.',
    'I would like {target} shown in {font}.',
    'Apply the font {font} to {target}.',
  ),
  routes: [
    {
      id: 'api',
      steps: (p) => [
        selectText(p.phrase),
        { subtask: `Set the font to ${p.font}`, function: 'set_font', args: { font_name: String(p.font) } },
      ],
    },
  ],
  checker: (p) => ({ kind: 'document-format', text: p.phrase, font: String(p.font) }),
};

const ALIGN = {
  center: { word: 'centre', button: 'Center', key: '^e', menu: 'Centered', check: 'center' },
  right: { word: 'right-align', button: 'Right', key: '^r', menu: 'Right', check: 'end' },
  justify: { word: 'justify', button: 'Justified', key: '^j', menu: 'Justified', check: 'justify' },
} as const;
type AlignKey = keyof typeof ALIGN;
const align: Skill<PhraseParams & { align: AlignKey }> = {
  id: 'writer-align',
  app: 'writer',
  sample: sampleParagraphAndValue({
    values: Object.keys(ALIGN) as AlignKey[],
    param: 'align',
    slots: (a) => {
      const how = { center: 'centred', right: 'aligned to the right', justify: 'justified' }[a];
      const verb = { center: 'Centre', right: 'Right-align', justify: 'Justify' }[a];
      return { how, verb, verbl: verb.toLowerCase() };
    },
  }),
  phrasings: ph(
    '{verb} {target}.',
    'Please make {target} {how}.',
    '{verbl} {target}',
    'Could you get {target} {how}?',
    '{target} should be {how}.',
    'Change the alignment of {target} so it is {how}.',
    'I want {target} {how} on the page.',
    'Set the paragraph alignment of {target}: {how}.',
  ),
  routes: [
    {
      id: 'toolbar',
      steps: (p) => [selectText(p.phrase), click(ALIGN[p.align].button, `Click ${ALIGN[p.align].button}`)],
    },
    {
      id: 'shortcut',
      steps: (p) => [
        selectText(p.phrase),
        keys(ALIGN[p.align].key, `Press Ctrl+${ALIGN[p.align].key.slice(1).toUpperCase()}`),
      ],
    },
    {
      id: 'menu',
      steps: (p) => [selectText(p.phrase), ...menu(['Format', 'Align Text', ALIGN[p.align].menu])],
    },
  ],
  checker: (p) => ({ kind: 'document-format', text: p.phrase, alignment: ALIGN[p.align].check }),
};

const STYLES = ['Heading 1', 'Heading 2', 'Heading 3', 'Subtitle', 'Quotations'] as const;
const heading: Skill<PhraseParams & { style: (typeof STYLES)[number] }> = {
  id: 'writer-paragraph-style',
  app: 'writer',
  sample: sampleParagraphAndValue({ title: false, values: STYLES, param: 'style' }),
  phrasings: ph(
    'Apply the {style} style to {target}.',
    'Please make {target} a {style}.',
    '{style} for {target}',
    'Could you format {target} with the {style} paragraph style?',
    '{target} should use the {style} style.',
    'Turn {target} into {style}.',
    'I need {target} styled as {style}.',
    'Give {target} the paragraph style "{style}".',
  ),
  routes: [
    { id: 'menu', steps: (p) => [selectText(p.phrase), ...menu(['Styles', p.style])] },
    {
      id: 'shortcut',
      steps: (p) =>
        /^Heading [123]$/.test(p.style)
          ? [selectText(p.phrase), keys(`^${p.style.slice(-1)}`, `Press Ctrl+${p.style.slice(-1)}`)]
          : [selectText(p.phrase), ...menu(['Styles', p.style])],
    },
  ],
  checker: (p) => ({ kind: 'document-format', text: p.phrase, style: p.style }),
};

const SPACING = {
  '1.5': { menu: 'Line Spacing: 1.5', check: '150%', word: '1.5' },
  '2': { menu: 'Line Spacing: 2', check: '200%', word: 'double' },
} as const;
const lineSpacing: Skill<PhraseParams & { spacing: keyof typeof SPACING }> = {
  id: 'writer-line-spacing',
  app: 'writer',
  sample: sampleParagraphAndValue({
    title: false,
    minWords: 3,
    values: ['1.5', '2'] as const,
    param: 'spacing',
    slots: (spacing) => ({ spacing: SPACING[spacing].word }),
  }),
  phrasings: ph(
    'Give {target} {spacing} line spacing.',
    'Please set the line spacing of {target} to {spacing}.',
    '{spacing} spacing on {target}',
    'Could you space the lines of {target} at {spacing}?',
    '{target} should have {spacing} line spacing.',
    'Change {target} to {spacing} spacing.',
    'I need {spacing} line spacing for {target}.',
    'Use {spacing} line spacing in {target}.',
  ),
  routes: [
    {
      id: 'menu',
      steps: (p) => [selectText(p.phrase), ...menu(['Format', 'Spacing', SPACING[p.spacing].menu])],
    },
  ],
  checker: (p) => ({ kind: 'document-format', text: p.phrase, lineSpacing: SPACING[p.spacing].check }),
};

const bullets: Skill<PhraseParams> = {
  id: 'writer-bullets',
  app: 'writer',
  sample: sampleParagraph({ title: false }),
  phrasings: ph(
    'Turn {target} into a bulleted item.',
    'Please put a bullet in front of {target}.',
    'bullet {target}',
    'Could you make {target} a bullet point?',
    '{target} should be a bulleted list item.',
    'Format {target} as an unordered list.',
    'I want {target} in a bullet list.',
    'Add a bullet to {target}.',
  ),
  routes: [
    { id: 'toolbar', steps: (p) => [selectText(p.phrase), click('Unordered List', 'Click Unordered List')] },
  ],
  checker: (p) => ({ kind: 'document-format', text: p.phrase, bullet: true }),
};

const highlight: Skill<PhraseParams> = {
  id: 'writer-highlight',
  app: 'writer',
  sample: samplePhrase(),
  phrasings: ph(
    'Highlight {target} in yellow.',
    'Please highlight {target}.',
    'yellow highlight on {target}',
    'Could you mark {target} with the yellow highlighter?',
    '{target} should be highlighted.',
    'Give {target} a yellow background highlight.',
    'I want {target} to be highlighted yellow.',
    'Apply yellow highlighting to {target}.',
  ),
  routes: [
    {
      id: 'toolbar',
      steps: (p) => [
        selectText(p.phrase),
        click('Character Highlighting Color', 'Click Character Highlighting Color'),
      ],
    },
  ],
  checker: (p) => ({ kind: 'document-format', text: p.phrase, highlight: '#ffff00' }),
};

const fontColor: Skill<PhraseParams> = {
  id: 'writer-font-color',
  app: 'writer',
  sample: samplePhrase(),
  phrasings: ph(
    'Colour {target} dark red.',
    'Please make the text of {target} dark red.',
    'dark red font for {target}',
    'Could you change the font colour of {target} to dark red?',
    '{target} should be written in dark red.',
    'Apply the dark red font colour to {target}.',
    'I want {target} in dark red letters.',
    'Turn {target} dark red.',
  ),
  routes: [
    {
      id: 'toolbar',
      steps: (p) => [selectText(p.phrase), click('Font Color', 'Click Font Color (dark red)')],
    },
  ],
  checker: (p) => ({ kind: 'document-format', text: p.phrase, color: '#c9211e' }),
};

const APPEND = [
  'Dress code: casual.',
  'Please reply by Friday.',
  'Coffee will be served.',
  'Thank you for your help.',
  'All figures are preliminary.',
  'See the attached schedule.',
  'This notice replaces the earlier one.',
  'Parking is free after six.',
  'Contact the front desk with questions.',
  'Minutes will follow next week.',
];
const appendParagraph: Skill<PhraseParams> = {
  id: 'writer-append-paragraph',
  app: 'writer',
  sample(doc, rng, claims) {
    const w = asWriter(doc);
    if (w === undefined || claims.has('end')) return undefined;
    const all = paragraphsOf(w);
    const options = APPEND.filter((a) => !all.join('\n').includes(a));
    const phrase = rng.pick(options);
    return {
      params: { phrase, last: all.at(-1) as string },
      slots: { text: phrase },
      targets: { quoted: `"${phrase}"` },
      claims: ['end'],
    };
  },
  phrasings: ph(
    'Add a new last paragraph that says "{text}"',
    'Please append the sentence "{text}" as a new paragraph at the end.',
    'append paragraph: {text}',
    'Could you add "{text}" on a new line at the end of the document?',
    'The document should end with a new paragraph reading "{text}"',
    'Write "{text}" as a final paragraph.',
    'At the very end, add a paragraph: "{text}"',
    'I need one more paragraph at the bottom: "{text}"',
  ),
  routes: [
    {
      id: 'keyboard',
      steps: (p) => [
        keys('^{END}', 'Press Ctrl+End to go to the end'),
        keys(`{ENTER}${p.phrase}`, 'Press Enter and type the new paragraph'),
      ],
    },
  ],
  checker: (p) => ({
    kind: 'document-text',
    text: { matches: `${escapeRe(String(p.last))}\\n${escapeRe(p.phrase)}\\n?$`, caseSensitive: true },
  }),
};

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const REPLACEMENTS: Record<string, string[]> = {
  Monday: ['Tuesday', 'Friday'],
  Tuesday: ['Wednesday', 'Monday'],
  Wednesday: ['Thursday'],
  Thursday: ['Friday'],
  Friday: ['Monday'],
  laptop: ['notebook'],
  chairs: ['desks', 'tables'],
  noon: ['midday'],
  contract: ['agreement'],
  office: ['department'],
  team: ['group'],
  budget: ['plan'],
  meeting: ['session'],
  afternoon: ['morning'],
  deadline: ['due date'],
  invoice: ['bill'],
  training: ['coaching'],
  projects: ['programmes'],
  people: ['staff members'],
  morning: ['evening'],
  shelves: ['desks'],
};
/** Types `text` into a dialog's field, emptied first: the fields keep the last search of the session. */
const fillField = (field: string, text: string, subtask: string): RouteStep[] => [
  {
    subtask: `Clear the ${field} field`,
    function: 'keyboard_input',
    args: { keys: '^a{BACKSPACE}', control_focus: true },
    control: { name: field },
  },
  { subtask, function: 'set_edit_text', args: { text }, control: { name: field } },
];

const replaceWord: Skill<PhraseParams> = {
  id: 'writer-replace-word',
  app: 'writer',
  sample(doc, rng, claims) {
    const w = asWriter(doc);
    if (w === undefined) return undefined;
    const all = paragraphsOf(w);
    const text = all.join('\n');
    const options: { index: number; word: string }[] = [];
    all.forEach((p, index) => {
      if (index === 0 || claims.has(`p:${index}`)) return;
      for (const word of Object.keys(REPLACEMENTS))
        if (new RegExp(`\\b${word}\\b`).test(p) && text.split(word).length === 2)
          options.push({ index, word });
    });
    if (options.length === 0) return undefined;
    const o = rng.pick(options);
    const by = rng.pick(REPLACEMENTS[o.word] as string[]);
    return {
      params: { phrase: o.word, by, paragraph: all[o.index] as string },
      slots: { old: o.word, new: by },
      targets: { quoted: `"${o.word}"` },
      claims: [`p:${o.index}`],
    };
  },
  phrasings: ph(
    'Replace "{old}" with "{new}".',
    'Please change the word "{old}" to "{new}".',
    '{old} -> {new}',
    'Could you swap "{old}" for "{new}"?',
    'It should say "{new}", not "{old}".',
    'Change "{old}" into "{new}" in the text.',
    'I wrote "{old}" by mistake; make it "{new}".',
    'Substitute "{new}" for "{old}".',
  ),
  routes: [
    { id: 'typed', steps: (p) => [selectText(p.phrase), keys(String(p.by), `Type "${p.by}" over it`)] },
    {
      id: 'dialog',
      steps: (p) => [
        keys('^h', 'Open Find and Replace with Ctrl+H'),
        ...fillField('Search For', p.phrase, `Search for "${p.phrase}"`),
        ...fillField('Replace With', String(p.by), `Replace with "${p.by}"`),
        click('Replace All', 'Click Replace All'),
        click('Close', 'Close the dialog'),
      ],
    },
  ],
  checker: (p) => ({
    kind: 'all',
    of: [
      {
        kind: 'document-text',
        text: { contains: String(p.paragraph).replace(String(p.phrase), String(p.by)), caseSensitive: true },
      },
      {
        kind: 'document-text',
        text: { matches: `\\b${escapeRe(p.phrase)}\\b`, caseSensitive: true },
        present: false,
      },
    ],
  }),
};

const deleteParagraph: Skill<PhraseParams> = {
  id: 'writer-delete-sentence',
  app: 'writer',
  sample(doc, rng, claims) {
    const s = sampleParagraph({ title: false, minWords: 4 })(doc, rng, claims);
    if (s === undefined) return undefined;
    return {
      ...s,
      targets: { quoted: s.targets.quoted, described: `the sentence in ${s.targets.described}` },
    };
  },
  phrasings: ph(
    'Delete the sentence {target}.',
    'Please remove {target}.',
    'delete {target}',
    'Could you take out {target}?',
    '{target} is no longer needed: delete it.',
    'Remove the text {target} from the document.',
    'I want {target} gone.',
    'Cut {target} from the document.',
  ),
  routes: [{ id: 'keyboard', steps: (p) => [selectText(p.phrase), keys('{DELETE}', 'Press Delete')] }],
  checker: (p) => ({
    kind: 'document-text',
    text: { contains: p.phrase, caseSensitive: true },
    present: false,
  }),
};

const insertTable: Skill<PhraseParams & { rows: number; columns: number }> = {
  id: 'writer-insert-table',
  app: 'writer',
  composable: false,
  sample(doc, rng) {
    if (asWriter(doc) === undefined) return undefined;
    const rows = rng.int(2, 5);
    const columns = rng.int(2, 4);
    return {
      params: { phrase: '', rows, columns },
      slots: { rows: String(rows), columns: String(columns) },
      targets: { quoted: '' },
      claims: ['table'],
    };
  },
  phrasings: ph(
    'Insert a table with {rows} rows and {columns} columns.',
    'Please add a {rows} by {columns} table.',
    'table {rows}x{columns}',
    'Could you put in a table of {rows} rows and {columns} columns?',
    'The document needs a table: {rows} rows, {columns} columns.',
    'Create a {columns}-column table with {rows} rows.',
    'I need an empty table, {rows} rows by {columns} columns.',
    'Add a table ({rows} rows, {columns} columns) to the document.',
  ),
  routes: [
    {
      id: 'api',
      steps: (p) => [
        {
          subtask: `Insert a ${p.rows} x ${p.columns} table`,
          function: 'insert_table',
          args: { rows: p.rows, columns: p.columns },
        },
      ],
    },
  ],
  checker: (p) => ({ kind: 'document-table', rows: p.rows, columns: p.columns }),
};

const SUFFIXES = [
  ' (Draft)',
  ' (revised)',
  ' (confirmed)',
  ' (see note)',
  ' (urgent)',
  ' (updated)',
  ' (final)',
];
const insertText: Skill<PhraseParams> = {
  id: 'writer-insert-text',
  app: 'writer',
  sample: sampleParagraphAndValue({
    values: SUFFIXES,
    param: 'suffix',
    slots: (suffix, paragraph) => ({ text: suffix.trim(), result: `${paragraph}${suffix}` }),
  }),
  phrasings: ph(
    'Add "{text}" at the end of {target}.',
    'Please append "{text}" to {target}.',
    'append {text} to {target}',
    'Could you put "{text}" after {target}?',
    '{target} should end with "{text}".',
    'Type "{text}" at the end of {target}.',
    'I need "{text}" added to the end of {target}.',
    'Extend {target} so that it ends in "{text}".',
  ),
  routes: [
    {
      id: 'keyboard',
      steps: (p) => [
        selectText(p.phrase),
        keys(`{END}${p.suffix}`, `Press End and type "${String(p.suffix).trim()}"`),
      ],
    },
  ],
  checker: (p) => ({
    kind: 'document-text',
    text: { contains: `${p.phrase}${p.suffix}`, caseSensitive: true },
  }),
};

const orientation: Skill<PhraseParams> = {
  id: 'writer-page-orientation',
  app: 'writer',
  sample(doc, _rng, claims) {
    if (asWriter(doc) === undefined || claims.has('page')) return undefined;
    return {
      params: { phrase: '' },
      slots: {},
      targets: { quoted: 'the page', described: 'the document' },
      claims: ['page'],
    };
  },
  phrasings: ph(
    'Change the page orientation to landscape.',
    'Please make {target} landscape.',
    'landscape orientation',
    'Could you turn {target} sideways, to landscape?',
    'The page should be in landscape format.',
    'Switch the page style to landscape.',
    'I want {target} printed in landscape.',
    'Rotate the page to landscape orientation.',
  ),
  routes: [
    {
      id: 'dialog',
      steps: () => [
        ...menu(['Format', 'Page Style...']),
        click('Page', 'Open the Page tab', 'TabItem'),
        { ...click('Landscape', 'Choose Landscape'), control: { name: 'Landscape' } },
        click('OK', 'Click OK'),
      ],
    },
  ],
  checker: () => ({ kind: 'document-page', orientation: 'landscape' }),
};

/** The Writer skills of the catalogue. */
export const WRITER_SKILLS: AnySkill[] = [
  bold,
  italic,
  underline,
  strike,
  fontSize,
  fontName,
  align,
  heading,
  lineSpacing,
  bullets,
  highlight,
  fontColor,
  appendParagraph,
  insertText,
  replaceWord,
  deleteParagraph,
  insertTable,
  orientation,
];
