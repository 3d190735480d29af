import { type KeyOp, type Modifier, parseSendKeys } from '../keys';

/** X keysym names (as xdotool takes them) of the backend-neutral key names of {@link parseSendKeys}. */
const KEYSYMS: Record<string, string> = {
  Enter: 'Return',
  Tab: 'Tab',
  Escape: 'Escape',
  Backspace: 'BackSpace',
  Delete: 'Delete',
  Insert: 'Insert',
  Home: 'Home',
  End: 'End',
  PageUp: 'Prior',
  PageDown: 'Next',
  ArrowUp: 'Up',
  ArrowDown: 'Down',
  ArrowLeft: 'Left',
  ArrowRight: 'Right',
  ' ': 'space',
  CapsLock: 'Caps_Lock',
  NumLock: 'Num_Lock',
  ScrollLock: 'Scroll_Lock',
  PrintScreen: 'Print',
  Pause: 'Pause',
  ContextMenu: 'Menu',
  Help: 'Help',
  Control: 'ctrl',
  Shift: 'shift',
  Alt: 'alt',
  Meta: 'super',
};

/** Keysyms of printable ASCII characters that are not letters or digits (xdotool wants names for some). */
const CHAR_KEYSYMS: Record<string, string> = {
  '+': 'plus',
  '-': 'minus',
  '=': 'equal',
  '^': 'asciicircum',
  '%': 'percent',
  '~': 'asciitilde',
  '{': 'braceleft',
  '}': 'braceright',
  '(': 'parenleft',
  ')': 'parenright',
  '[': 'bracketleft',
  ']': 'bracketright',
  ',': 'comma',
  '.': 'period',
  '/': 'slash',
  '\\': 'backslash',
  ';': 'semicolon',
  "'": 'apostrophe',
  '`': 'grave',
  '*': 'asterisk',
  '&': 'ampersand',
  '#': 'numbersign',
  '@': 'at',
  '!': 'exclam',
  '?': 'question',
  '<': 'less',
  '>': 'greater',
  ':': 'colon',
  '"': 'quotedbl',
  '|': 'bar',
  $: 'dollar',
  _: 'underscore',
};

const MODIFIER_KEYSYMS: Record<Modifier, string> = {
  Control: 'ctrl',
  Shift: 'shift',
  Alt: 'alt',
  Meta: 'super',
};

/** The xdotool keysym of one key name (`Enter` → `Return`, `a` → `a`, `F5` → `F5`, `+` → `plus`). */
export function keysym(key: string): string {
  if (key in KEYSYMS) return KEYSYMS[key]!;
  if (key.length === 1) return CHAR_KEYSYMS[key] ?? key;
  return key;
}

/** One xdotool invocation's arguments. */
export type XdotoolCommand = string[];

/**
 * Translates a pywinauto `send_keys` string (`"{VK_CONTROL}a"`, `"{ENTER}"`, `"{TAB 2}"`, `"^s"`,
 * plain text) into xdotool commands: `key` for presses (with `--repeat` for counts), `keydown` /
 * `keyup` for held keys, and `type` for runs of plain text (newlines and tabs become key presses,
 * because `type` does not commit a Calc cell).
 */
export function sendKeysToXdotool(keys: string, options: { typeDelayMs?: number } = {}): XdotoolCommand[] {
  return keyOpsToXdotool(parseSendKeys(keys), options);
}

/** Turns key operations into xdotool commands (see {@link sendKeysToXdotool}). */
export function keyOpsToXdotool(
  ops: readonly KeyOp[],
  options: { typeDelayMs?: number } = {},
): XdotoolCommand[] {
  const delay = String(options.typeDelayMs ?? 12);
  const out: XdotoolCommand[] = [];
  for (const op of ops) {
    if (op.type === 'text') out.push(...typeCommands(op.text, delay));
    else if (op.type === 'press') {
      const combo = [...op.modifiers.map((m) => MODIFIER_KEYSYMS[m]), keysym(op.key)].join('+');
      out.push(
        op.count > 1 ? ['key', '--repeat', String(op.count), '--delay', delay, combo] : ['key', combo],
      );
    } else out.push([op.type === 'down' ? 'keydown' : 'keyup', keysym(op.key)]);
  }
  return out;
}

/**
 * xdotool commands that type text as the user would: plain runs with `type`, and each newline or
 * tab as a `Return` / `Tab` key press.
 */
export function typeCommands(text: string, delay = '12'): XdotoolCommand[] {
  const out: XdotoolCommand[] = [];
  for (const part of text.replace(/\r\n?/g, '\n').split(/([\n\t])/)) {
    if (part === '') continue;
    if (part === '\n') out.push(['key', 'Return']);
    else if (part === '\t') out.push(['key', 'Tab']);
    else out.push(['type', '--delay', delay, '--', part]);
  }
  return out;
}

/** The X button number of a mouse button name. */
export function buttonNumber(button: string): string {
  switch (button) {
    case 'right':
      return '3';
    case 'middle':
      return '2';
    case 'x':
      return '8';
    default:
      return '1';
  }
}

/** The xdotool keysym of a key held while clicking (`CONTROL`, `{VK_SHIFT}`, `alt`). */
export function heldKey(pressed: string): string {
  const ops = parseSendKeys(/^[{^+%]/.test(pressed) ? pressed : `{${pressed}}`);
  const first = ops[0];
  if (first?.type === 'press') return keysym(first.key);
  if (first?.type === 'text') return keysym(first.text);
  return keysym(pressed);
}
