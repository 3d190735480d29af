import type { AnyNode, ChildNode, Element } from 'domhandler';
import { DomUtils, parseDocument } from 'htmlparser2';

/** An application the extractor writes pairs for. */
export type HelpApp = 'writer' | 'calc';

/** A procedure found in a help page: the heading or sentence that names it, and its steps. */
export interface HelpProcedure {
  /** The text that names the task, as written in the page, e.g. `To Insert a Table With a Menu Command`. */
  heading: string;
  /** The page title (its first `h1`). */
  title: string;
  /** The steps in order, with the action objects (menu paths, buttons, fields) in `**bold**`. */
  steps: string[];
  /** The `id` of the heading or paragraph that names the procedure, when it has one. */
  anchor?: string;
}

/** Options of {@link parseHelpPage}. */
export interface ParseHelpPageOptions {
  /** The application whose variants to keep where the page switches on the module (default `writer`). */
  app?: HelpApp;
}

const HEADING = /^h[1-6]$/;
/** Inline markup the help uses for what the user acts on: menu paths, buttons, tabs, fields. */
const ACTION_CLASSES = new Set(['emph', 'menuitem']);
const SKIPPED_TAGS = new Set(['script', 'style', 'table', 'img', 'meta', 'header', 'aside', 'nav', 'input']);

function isElement(node: AnyNode): node is Element {
  return node.type === 'tag' || node.type === 'script' || node.type === 'style';
}

function tidy(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/\*\*\s*\*\*/g, '')
    .replace(/\s+([.,;:)])/g, '$1')
    .trim();
}

/** The child of a switch (hidden, per-module or per-OS variants) to keep: the app's, else the default. */
function pickVariant(children: Element[], app: HelpApp): Element | undefined {
  const wanted = app.toUpperCase();
  return (
    children.find((c) => c.attribs.class === wanted) ??
    children.find((c) => (c.attribs.id ?? '').startsWith('default'))
  );
}

function isSwitch(el: Element): boolean {
  const kids = el.children.filter(isElement);
  return kids.length > 0 && kids.every((k) => k.attribs.hidden !== undefined);
}

/** Renders inline content as text, action objects in bold. */
function inline(nodes: readonly ChildNode[], app: HelpApp, bold = false): string {
  let out = '';
  for (const node of nodes) {
    if (node.type === 'text') {
      out += node.data;
      continue;
    }
    if (!isElement(node) || SKIPPED_TAGS.has(node.name)) continue;
    if (node.name === 'ol' || node.name === 'ul') continue;
    if (node.name === 'br') {
      out += ' ';
      continue;
    }
    if (isSwitch(node)) {
      const chosen = pickVariant(node.children.filter(isElement), app);
      if (chosen) out += inline(chosen.children, app, bold);
      continue;
    }
    if (node.attribs.hidden !== undefined) continue;
    const classes = (node.attribs.class ?? '').split(/\s+/);
    if (!bold && classes.some((c) => ACTION_CLASSES.has(c))) {
      const text = tidy(inline(node.children, app, true));
      out += text === '' ? '' : `**${text}**`;
    } else {
      out += inline(node.children, app, bold);
    }
  }
  return out;
}

/** A list item as one step: its own text, and for a step ending in a colon, the first nested choice. */
function stepText(li: Element, app: HelpApp): string {
  let text = tidy(inline(li.children, app));
  const nested = DomUtils.findOne((e) => e.name === 'li', li.children, true);
  if (text.endsWith(':') && nested) text = `${text} ${tidy(inline(nested.children, app))}`;
  return text;
}

function items(list: Element): Element[] {
  return list.children.filter((c): c is Element => isElement(c) && c.name === 'li');
}

/** `To insert a table:` / `To define a caption proceed as follows:` → the task sentence, else undefined. */
function introducedTask(text: string): string | undefined {
  const m =
    /^(?:For example, )?(to [^.:]{3,120}?)(?:,? (?:do the following|proceed as follows|follow these steps))?:$/i.exec(
      text,
    );
  return m?.[1];
}

/**
 * Finds the procedures of one LibreOffice help page (the HTML of `libreoffice-help-*`): each
 * numbered list, named by the sentence that introduces it ("To insert a table:") or else by the
 * heading above it, with its items as steps. Lists that follow one another under the same name
 * are one procedure. A step that ends in a colon gets the first option of the list that follows.
 */
export function parseHelpPage(html: string, options: ParseHelpPageOptions = {}): HelpProcedure[] {
  const app = options.app ?? 'writer';
  const doc = parseDocument(html);
  const area = DomUtils.findOne((e) => e.attribs.id === 'DisplayArea', doc.children, true) ?? doc;
  const h1 = DomUtils.findOne((e) => e.name === 'h1', area.children, true);
  const title = h1 ? tidy(inline(h1.children, app).replace(/\*\*/g, '')) : '';
  const procedures: HelpProcedure[] = [];
  let name: { text: string; anchor?: string } | undefined;
  let current: HelpProcedure | undefined;

  const visit = (nodes: readonly ChildNode[]): void => {
    for (const node of nodes) {
      if (!isElement(node) || SKIPPED_TAGS.has(node.name)) continue;
      if (node.attribs.hidden !== undefined && !(node.attribs.id ?? '').startsWith('default')) {
        if (node.attribs.class !== app.toUpperCase()) continue;
      }
      if (HEADING.test(node.name)) {
        name = { text: tidy(inline(node.children, app).replace(/\*\*/g, '')), anchor: node.attribs.id };
        current = undefined;
        continue;
      }
      if (node.name === 'p') {
        const text = tidy(inline(node.children, app).replace(/\*\*/g, ''));
        const task = introducedTask(text);
        if (task !== undefined) {
          name = { text: task, anchor: node.attribs.id };
          current = undefined;
        }
        continue;
      }
      if (node.name === 'ol' && name !== undefined) {
        const steps = items(node).map((li) => stepText(li, app));
        if (current && current.heading === name.text) current.steps.push(...steps);
        else {
          current = { heading: name.text, title, steps, ...(name.anchor ? { anchor: name.anchor } : {}) };
          procedures.push(current);
        }
        continue;
      }
      if (node.name === 'ul') {
        const last = current?.steps.at(-1);
        const first = items(node)[0];
        if (current && last?.endsWith(':') && first) {
          current.steps[current.steps.length - 1] = `${last} ${tidy(inline(first.children, app))}`;
        }
        continue;
      }
      visit(node.children);
    }
  };
  visit(area.children);
  return procedures;
}
