import type { ControlStates } from '@lam/schema';
import { hasState, STATE } from './atspi';

/**
 * AT-SPI role names mapped to the schema's control types (UIA's names, as UFO shows them to the
 * model). Roles not listed here are containers or decoration: they stay in the tree, not in the list.
 */
const ROLE_TYPES: Record<string, string> = {
  'push button': 'Button',
  'toggle button': 'Button',
  'push button menu': 'Button',
  button: 'Button',
  text: 'Edit',
  entry: 'Edit',
  'password text': 'Edit',
  'page tab': 'TabItem',
  'document text': 'Document',
  'document spreadsheet': 'Document',
  'document presentation': 'Document',
  'document frame': 'Document',
  'document web': 'Document',
  'list item': 'ListItem',
  'menu item': 'MenuItem',
  'check menu item': 'MenuItem',
  'radio menu item': 'MenuItem',
  'tearoff menu item': 'MenuItem',
  menu: 'MenuItem',
  'scroll bar': 'ScrollBar',
  'tree item': 'TreeItem',
  link: 'Hyperlink',
  'combo box': 'ComboBox',
  'radio button': 'RadioButton',
  'table cell': 'DataItem',
  'spin button': 'Spinner',
  'check box': 'CheckBox',
  table: 'Table',
  'tree table': 'Table',
  slider: 'Slider',
};

/** Control types that are listed for the model (UFO's list, plus check boxes, tables and sliders). */
export const LISTED_TYPES: ReadonlySet<string> = new Set(Object.values(ROLE_TYPES));

const CONTAINER_TYPES: Record<string, string> = {
  frame: 'Window',
  dialog: 'Window',
  'file chooser': 'Window',
  alert: 'Window',
  window: 'Window',
  'tool bar': 'ToolBar',
  'menu bar': 'MenuBar',
  'status bar': 'StatusBar',
  statusbar: 'StatusBar',
  'page tab list': 'Tab',
  list: 'List',
  'list box': 'List',
  tree: 'Tree',
  paragraph: 'Text',
  heading: 'Text',
  label: 'Text',
  static: 'Text',
  'table row': 'DataItem',
};

/** The schema control type of an AT-SPI role name (`push button` → `Button`); containers become `Pane`. */
export function controlType(role: string): string {
  return ROLE_TYPES[role] ?? CONTAINER_TYPES[role] ?? 'Pane';
}

/** The schema's control states from an AT-SPI state set. */
export function controlStates(states: readonly number[], role: string): ControlStates {
  const out: ControlStates = {
    enabled: hasState(states, STATE.ENABLED),
    visible: hasState(states, STATE.SHOWING) && hasState(states, STATE.VISIBLE),
    focused: hasState(states, STATE.FOCUSED),
    focusable: hasState(states, STATE.FOCUSABLE),
  };
  if (hasState(states, STATE.SELECTABLE) || hasState(states, STATE.SELECTED))
    out.selected = hasState(states, STATE.SELECTED);
  if (role === 'toggle button')
    out.pressed = hasState(states, STATE.CHECKED) || hasState(states, STATE.PRESSED);
  else if (hasState(states, STATE.CHECKABLE) || role.startsWith('check') || role.startsWith('radio')) {
    out.checked = hasState(states, STATE.CHECKED);
  }
  if (hasState(states, STATE.EXPANDABLE)) out.expanded = hasState(states, STATE.EXPANDED);
  if (hasState(states, STATE.EDITABLE)) out.editable = true;
  return out;
}
