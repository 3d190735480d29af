import { KNOWN_CONTROL_TYPES } from '@lam/schema';
/**
 * The control types UFO's prompts explain, in their order (PAPER.md §3.4): the first ten of its
 * `CONTROL_LIST`, which @lam/schema keeps as `KNOWN_CONTROL_TYPES`.
 */
export const DEFAULT_GLOSSARY_TYPES: readonly string[] = KNOWN_CONTROL_TYPES.slice(0, 10);

/** What each known control type is, in words for the model. */
export const CONTROL_TYPE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  Button: 'a button; clicking it runs a command or opens a menu or dialog',
  Edit: 'a text field; you can type text into it',
  TabItem: 'a tab; clicking it shows another page of commands or content',
  Document: 'the document or page content area; typing into it edits the document',
  ListItem: 'an entry of a list; clicking it selects or opens it',
  MenuItem: 'an entry of a menu; clicking it runs the command or opens a sub-menu',
  ScrollBar: 'a scroll bar; it moves the visible part of a window or list',
  TreeItem: 'a node of a tree, such as a folder in a navigation pane; clicking it selects or expands it',
  Hyperlink: 'a link; clicking it opens a page or jumps to a location',
  ComboBox: 'a drop-down box; it offers a list of values to pick from, and may accept typed text',
  RadioButton: 'one option of a group of mutually exclusive options',
  DataItem: 'a cell or item of a data grid or table',
  Spinner: 'a numeric field with up and down arrows',
  CheckBox: 'a box that is checked or unchecked by clicking it',
  Text: 'static text; it shows information and usually cannot be acted on',
};

/**
 * The control-type glossary of the system prompts: one line per type,
 * `- Button: a button; clicking it ...`. Types without a description get a generic line.
 */
export function formatControlTypeGlossary(
  options: { types?: readonly string[]; descriptions?: Readonly<Record<string, string>> } = {},
): string {
  const types = options.types ?? DEFAULT_GLOSSARY_TYPES;
  const descriptions = { ...CONTROL_TYPE_DESCRIPTIONS, ...options.descriptions };
  return types.map((t) => `- ${t}: ${descriptions[t] ?? `a control of type ${t}`}`).join('\n');
}
