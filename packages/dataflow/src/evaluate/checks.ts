import { type CheckerSpec, createChecker, type TextDocumentState } from '@lam/eval';
import type { InstantiatedStep, Step } from '@lam/schema';

/**
 * A check derived from an instantiated plan: what the document (or the application) must show
 * once the plan has run.
 * - `spec`: a `@lam/eval` checker spec on the saved document (formatting, text, page);
 * - `count`: the saved document holds more of an ODF element than the template did (a table, a
 *   footnote, a frame, a field: things the reader does not model);
 * - `option`: a check box or option the plan set was in that state after the step (read from the
 *   trajectory's observation, for settings that do not live in the document).
 */
export type DerivedCheck =
  | { kind: 'spec'; id: string; why: string; spec: CheckerSpec }
  | { kind: 'count'; id: string; why: string; what: string; pattern: string }
  | { kind: 'option'; id: string; why: string; control: string; checked: boolean; step: number };

/** The result of one derived check. */
export interface DerivedCheckResult {
  id: string;
  pass: boolean;
  reason: string;
}

/** What checks read: the saved document and the template, as reader states and as flat ODF XML. */
export interface CheckInputs {
  document: TextDocumentState;
  documentXml: string;
  template: TextDocumentState;
  templateXml: string;
  /** The executed steps (for `option` checks). */
  steps: readonly Step[];
}

/** Menu items, buttons and options whose effect is a new ODF element, with the element's pattern. */
const ELEMENTS: readonly { name: RegExp; what: string; pattern: string }[] = [
  { name: /^frame( interactively)?$/i, what: 'a frame', pattern: '<draw:frame(?=[\\s/>])' },
  {
    name: /^(footnote|endnote|footnote or endnote|footnote and endnote)$/i,
    what: 'a footnote or endnote',
    pattern: '<text:note(?=[\\s/>])',
  },
  { name: /^comment$/i, what: 'a comment', pattern: '<office:annotation(?=[\\s/>])' },
  { name: /^bookmark$/i, what: 'a bookmark', pattern: '<text:bookmark(-start)?(?=[\\s/>])' },
  { name: /^section$/i, what: 'a section', pattern: '<text:section(?=[\\s/>])' },
  {
    name: /^table of contents, index or bibliography$/i,
    what: 'a table of contents or index',
    pattern:
      '<text:(table-of-content|alphabetical-index|user-index|bibliography|illustration-index|object-index|table-index)(?=[\\s/>])',
  },
  {
    name: /^index entry$/i,
    what: 'an index entry',
    pattern: '<text:(alphabetical-index-mark|user-index-mark|toc-mark)(-start)?(?=[\\s/>])',
  },
  { name: /^(insert table|table)$/i, what: 'a table', pattern: '<table:table(?=[\\s/>])' },
  { name: /^page number$/i, what: 'a page number field', pattern: '<text:page-number(?=[\\s/>])' },
  { name: /^page count$/i, what: 'a page count field', pattern: '<text:page-count(?=[\\s/>])' },
  { name: /^date$/i, what: 'a date field', pattern: '<text:date(?=[\\s/>])' },
  { name: /^time$/i, what: 'a time field', pattern: '<text:time(?=[\\s/>])' },
  { name: /^(split cells)$/i, what: 'more table cells', pattern: '<table:table-cell(?=[\\s/>])' },
  { name: /^(merge cells)$/i, what: 'merged table cells', pattern: '<table:covered-table-cell(?=[\\s/>])' },
  { name: /^caption$/i, what: 'a caption', pattern: '<text:sequence(?=[\\s/>])' },
  { name: /^set reference$/i, what: 'a reference mark', pattern: '<text:reference-mark(-start)?(?=[\\s/>])' },
  {
    name: /^conditional text$/i,
    what: 'a conditional text field',
    pattern: '<text:conditional-text(?=[\\s/>])',
  },
  {
    name: /^hidden paragraph$/i,
    what: 'a hidden paragraph field',
    pattern: '<text:hidden-paragraph(?=[\\s/>])',
  },
  { name: /^hidden text$/i, what: 'a hidden text field', pattern: '<text:hidden-text(?=[\\s/>])' },
  { name: /^input field$/i, what: 'an input field', pattern: '<text:text-input(?=[\\s/>])' },
  { name: /^set variable$/i, what: 'a variable', pattern: '<text:variable-set(?=[\\s/>])' },
  { name: /^word joiner$/i, what: 'a word joiner', pattern: '\u2060' },
  { name: /^hyperlink$/i, what: 'a hyperlink', pattern: '<text:a(?=[\\s/>])' },
  { name: /^(page break|manual break)$/i, what: 'a page break', pattern: 'fo:break-before="page"' },
  {
    name: /^unordered list|^toggle unordered list|^ordered list|^toggle ordered list|^bullets and numbering$/i,
    what: 'a list item',
    pattern: '<text:list-item(?=[\\s/>])',
  },
  {
    name: /^character highlighting color$/i,
    what: 'highlighted text',
    pattern: 'fo:background-color="#[0-9a-fA-F]{6}"',
  },
  { name: /^font color$/i, what: 'coloured text', pattern: 'fo:color="#[0-9a-fA-F]{6}"' },
  {
    // Format - Title Page: the first page gets the First Page style.
    name: /^title page$/i,
    what: 'a title page',
    pattern: 'style:master-page-name="First_20_Page"',
  },
  {
    name: /^show numbering$/i,
    what: 'line numbering',
    // number-lines defaults to true in ODF: LibreOffice writes the attribute only when it is false.
    pattern: '<text:linenumbering-configuration(?![^>]*text:number-lines="false")[^>]*>',
  },
];

const TOGGLES: Record<string, 'bold' | 'italic' | 'underline' | 'strikethrough'> = {
  bold: 'bold',
  italic: 'italic',
  underline: 'underline',
  'single underline': 'underline',
  strikethrough: 'strikethrough',
};

const KEY_TOGGLES: Record<string, 'bold' | 'italic' | 'underline'> = {
  '^b': 'bold',
  '^i': 'italic',
  '^u': 'underline',
};

const ALIGN: Record<string, string> = {
  center: 'center',
  'align center': 'center',
  centered: 'center',
  'center horizontally': 'center',
  right: 'end',
  'align right': 'end',
  justified: 'justify',
  justify: 'justify',
};

/** The name as compared here: lower case, no trailing dots or ellipsis. */
function plain(name: string): string {
  return name
    .replace(/\.\.\.|…/g, '')
    .trim()
    .toLowerCase();
}

/** Formatting of `text` in a document state: whether every run that covers it has the property. */
export function formatOf(
  state: TextDocumentState,
  text: string,
  property: 'bold' | 'italic' | 'underline' | 'strikethrough',
): boolean | undefined {
  for (const p of state.paragraphs) {
    const at = p.text.indexOf(text);
    if (at === -1) continue;
    let pos = 0;
    let all = true;
    for (const run of p.runs) {
      const end = pos + run.text.length;
      if (end > at && pos < at + text.length && run.text.trim() !== '' && !run[property]) all = false;
      pos = end;
    }
    return all;
  }
  return undefined;
}

/**
 * Derives checks from an instantiated plan (evaluation, paper §3.2.3, where a deterministic check
 * exists): a formatting button on the selected text → that text has (or, for a toggle that was on,
 * no longer has) the format; an alignment button → the paragraph's alignment; Landscape / Portrait
 * → the page orientation; typing into the document → the text is there; a menu item or button that
 * inserts something (table, frame, footnote, field, section, index, break, list) → the document holds
 * more of that element than the template; a check box or option the plan sets → its state after
 * the step. Returns no check when the plan does nothing these rules know.
 */
export function deriveChecks(plan: readonly InstantiatedStep[], template: TextDocumentState): DerivedCheck[] {
  const checks: DerivedCheck[] = [];
  const seen = new Set<string>();
  const add = (check: DerivedCheck) => {
    if (seen.has(check.id)) return;
    seen.add(check.id);
    checks.push(check);
  };
  let selected: string | undefined;
  const toggles = new Map<
    string,
    { property: 'bold' | 'italic' | 'underline' | 'strikethrough'; text: string; times: number }
  >();
  const toggle = (property: 'bold' | 'italic' | 'underline' | 'strikethrough') => {
    if (selected === undefined) return;
    const key = `${property}\u0000${selected}`;
    const t = toggles.get(key) ?? { property, text: selected, times: 0 };
    t.times++;
    toggles.set(key, t);
  };
  for (const step of plan) {
    const name = plain(step.controlText ?? '');
    if (step.function === 'select_text') selected = String(step.args.text ?? '');
    if (step.function === 'keyboard_input') {
      const keys = String(step.args.keys ?? '').toLowerCase();
      const property = KEY_TOGGLES[keys];
      if (property !== undefined) toggle(property);
      if (keys === '^{enter}')
        add({
          kind: 'count',
          id: 'count(page break)',
          why: 'Ctrl+Enter inserts a page break',
          what: 'a page break',
          pattern: 'fo:break-before="page"',
        });
    }
    if (
      step.function === 'set_edit_text' &&
      /^document$|libreoffice document/i.test(step.controlText ?? '')
    ) {
      const text = String(step.args.text ?? '');
      if (text.trim() !== '')
        add({
          kind: 'spec',
          id: `text(${text})`,
          why: `the plan types "${text}" into the document`,
          spec: { kind: 'document-text', text: { contains: text, caseSensitive: true } },
        });
    }
    // A formula entered in the formula bar of a text document (F2) goes in as a formula field.
    if (
      step.function === 'set_edit_text' &&
      /formula/i.test(step.controlText ?? '') &&
      String(step.args.text ?? '').startsWith('=')
    )
      add({
        kind: 'count',
        id: 'count(a formula field)',
        why: `the plan enters the formula ${String(step.args.text)} in the formula bar`,
        what: 'a formula field',
        pattern: '<text:expression(?=[\\s/>])',
      });
    // Opening a menu ("Table") does nothing yet; its items do.
    if (step.function !== 'click_input' || /^Open the "/.test(step.subtask)) continue;
    const ensureExtra = step.extra?.ensure as { checked?: boolean; type?: string } | undefined;
    const ensure = ensureExtra?.checked;
    const property = TOGGLES[name];
    if (property !== undefined && ensure === undefined) toggle(property);
    const align = ALIGN[name];
    if (align !== undefined && selected !== undefined)
      add({
        kind: 'spec',
        id: `align(${align})`,
        why: `the ${step.controlText} button aligns the selected paragraph`,
        spec: { kind: 'document-format', text: selected, alignment: align },
      });
    if (name === 'landscape' || name === 'portrait')
      add({
        kind: 'spec',
        id: `page(${name})`,
        why: `the plan selects ${step.controlText} in the page settings`,
        spec: { kind: 'document-page', orientation: name },
      });
    if ((name === 'uppercase' || name === 'lowercase') && selected !== undefined)
      add({
        kind: 'spec',
        id: `case(${name})`,
        why: `Format - Text - ${step.controlText} changes the case of the selected text`,
        spec: {
          kind: 'document-text',
          text: {
            contains: name === 'uppercase' ? selected.toUpperCase() : selected.toLowerCase(),
            caseSensitive: true,
          },
        },
      });
    for (const element of ELEMENTS) {
      if (!element.name.test(name)) continue;
      add({
        kind: 'count',
        id: `count(${element.what})`,
        why: `"${step.controlText}" adds ${element.what}`,
        what: element.what,
        pattern: element.pattern,
      });
    }
    if (
      ensure !== undefined &&
      ensureExtra?.type !== 'MenuItem' &&
      ELEMENTS.every((e) => !e.name.test(name)) &&
      name !== 'landscape' &&
      name !== 'portrait'
    )
      add({
        kind: 'option',
        id: `option(${step.controlText} ${ensure ? 'on' : 'off'})`,
        why: `the plan ${ensure ? 'selects' : 'clears'} "${step.controlText}"`,
        control: step.controlText ?? '',
        checked: ensure,
        step: step.step,
      });
  }
  for (const t of toggles.values()) {
    const before = formatOf(template, t.text, t.property) ?? false;
    const want = t.times % 2 === 1 ? !before : before;
    add({
      kind: 'spec',
      id: `${t.property}(${t.text})`,
      why: `the ${t.property} toggle is used ${t.times} time(s) on text that was ${before ? '' : 'not '}${t.property}`,
      spec: { kind: 'document-format', text: t.text, [t.property]: want },
    });
  }
  return checks;
}

function count(xml: string, pattern: string): number {
  return xml.match(new RegExp(pattern, 'g'))?.length ?? 0;
}

/** Runs derived checks against the saved document, the template and the trajectory. */
export async function runChecks(
  checks: readonly DerivedCheck[],
  inputs: CheckInputs,
): Promise<DerivedCheckResult[]> {
  const out: DerivedCheckResult[] = [];
  for (const check of checks) {
    if (check.kind === 'spec') {
      const result = await createChecker(check.spec).check({ textDocument: async () => inputs.document });
      out.push({ id: check.id, pass: result.pass, reason: result.reason });
    } else if (check.kind === 'count') {
      const before = count(inputs.templateXml, check.pattern);
      const after = count(inputs.documentXml, check.pattern);
      out.push({
        id: check.id,
        pass: after > before,
        reason: `the document has ${after} × ${check.what} (the template had ${before})`,
      });
    } else {
      const step = inputs.steps.find((s) => s.index === check.step);
      const meta = step?.metadata ?? {};
      const after = meta.skipped === true ? check.checked : (meta.checkedAfter as boolean | undefined);
      out.push({
        id: check.id,
        pass: after === check.checked,
        reason:
          after === undefined
            ? `the state of "${check.control}" after step ${check.step} was not observed`
            : `"${check.control}" was ${after ? 'checked' : 'cleared'} after step ${check.step}${meta.skipped === true ? ' (already so before)' : ''}`,
      });
    }
  }
  return out;
}
