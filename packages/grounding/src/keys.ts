import { LAM_KeySyntaxError } from './errors';

/** A modifier key, by its DOM / Playwright name. */
export type Modifier = 'Control' | 'Shift' | 'Alt' | 'Meta';

/** One step of a key sequence, backend-neutral (key names are DOM `KeyboardEvent.key` / Playwright names). */
export type KeyOp =
  /** Type literal text (no modifiers held). */
  | { type: 'text'; text: string }
  /** Press and release `key` with `modifiers` held, `count` times. */
  | { type: 'press'; key: string; modifiers: Modifier[]; count: number }
  /** Hold a key down (`{VK_SHIFT down}`) or release it (`{VK_SHIFT up}`). */
  | { type: 'down' | 'up'; key: string };

const MODIFIER_CHARS: Record<string, Modifier> = { '^': 'Control', '+': 'Shift', '%': 'Alt' };

const MODIFIER_NAMES: Record<string, Modifier> = {
  VK_CONTROL: 'Control',
  VK_LCONTROL: 'Control',
  VK_RCONTROL: 'Control',
  CTRL: 'Control',
  CONTROL: 'Control',
  VK_SHIFT: 'Shift',
  VK_LSHIFT: 'Shift',
  VK_RSHIFT: 'Shift',
  SHIFT: 'Shift',
  VK_MENU: 'Alt',
  VK_LMENU: 'Alt',
  VK_RMENU: 'Alt',
  ALT: 'Alt',
  VK_LWIN: 'Meta',
  VK_RWIN: 'Meta',
  LWIN: 'Meta',
  RWIN: 'Meta',
  WIN: 'Meta',
};

const KEY_NAMES: Record<string, string> = {
  ENTER: 'Enter',
  RETURN: 'Enter',
  VK_RETURN: 'Enter',
  TAB: 'Tab',
  VK_TAB: 'Tab',
  ESC: 'Escape',
  ESCAPE: 'Escape',
  VK_ESCAPE: 'Escape',
  BACKSPACE: 'Backspace',
  BS: 'Backspace',
  BKSP: 'Backspace',
  VK_BACK: 'Backspace',
  DELETE: 'Delete',
  DEL: 'Delete',
  VK_DELETE: 'Delete',
  INSERT: 'Insert',
  INS: 'Insert',
  VK_INSERT: 'Insert',
  HOME: 'Home',
  VK_HOME: 'Home',
  END: 'End',
  VK_END: 'End',
  PGUP: 'PageUp',
  PAGEUP: 'PageUp',
  VK_PRIOR: 'PageUp',
  PGDN: 'PageDown',
  PAGEDOWN: 'PageDown',
  VK_NEXT: 'PageDown',
  UP: 'ArrowUp',
  VK_UP: 'ArrowUp',
  DOWN: 'ArrowDown',
  VK_DOWN: 'ArrowDown',
  LEFT: 'ArrowLeft',
  VK_LEFT: 'ArrowLeft',
  RIGHT: 'ArrowRight',
  VK_RIGHT: 'ArrowRight',
  SPACE: ' ',
  VK_SPACE: ' ',
  CAPSLOCK: 'CapsLock',
  VK_CAPITAL: 'CapsLock',
  NUMLOCK: 'NumLock',
  VK_NUMLOCK: 'NumLock',
  SCROLLLOCK: 'ScrollLock',
  VK_SCROLL: 'ScrollLock',
  PRTSC: 'PrintScreen',
  VK_SNAPSHOT: 'PrintScreen',
  BREAK: 'Pause',
  VK_PAUSE: 'Pause',
  APPS: 'ContextMenu',
  VK_APPS: 'ContextMenu',
  HELP: 'Help',
};

/** Characters that stand for themselves inside braces: `{+}` is a literal plus. */
const BRACED_LITERALS = new Set(['+', '^', '%', '~', '{', '}', '(', ')']);

function keyName(raw: string): string | Modifier | undefined {
  const upper = raw.toUpperCase();
  if (upper in MODIFIER_NAMES) return MODIFIER_NAMES[upper];
  if (upper in KEY_NAMES) return KEY_NAMES[upper];
  const f = /^(?:VK_)?F([1-9]|1[0-9]|2[0-4])$/.exec(upper);
  if (f) return `F${f[1]}`;
  const ch = /^VK_([A-Z0-9])$/.exec(upper);
  if (ch) return ch[1]!.toLowerCase();
  return undefined;
}

/**
 * Parses a pywinauto `send_keys` string (UFO's `keyboard_input` syntax) into key operations:
 * `"{VK_CONTROL}a"` → Control+a; `"^c"` → Control+c; `"+{TAB}"` → Shift+Tab; `"%{F4}"` → Alt+F4;
 * `"{TAB 2}"` → Tab twice; `"{VK_SHIFT down}ab{VK_SHIFT up}"` holds Shift; `"^(ac)"` applies
 * Control to a and c; `~` and a newline are Enter; `{+}` `{^}` `{%}` `{~}` `{{}` `{}}` are the
 * literal characters. Plain characters are merged into `text` operations. Throws
 * {@link LAM_KeySyntaxError} on an unknown key name or an unclosed brace.
 */
export function parseSendKeys(keys: string): KeyOp[] {
  const ops: KeyOp[] = [];
  let pending: Modifier[] = [];
  let i = 0;

  const emitKey = (key: string, count = 1) => {
    if (pending.length === 0 && count === 1 && key.length === 1) {
      const last = ops[ops.length - 1];
      if (last?.type === 'text') last.text += key;
      else ops.push({ type: 'text', text: key });
      return;
    }
    ops.push({ type: 'press', key, modifiers: [...new Set(pending)], count });
    pending = [];
  };

  const readBrace = (start: number): { token: string; end: number } => {
    // `{}}` and `{{}` are the braces themselves.
    if (keys[start + 1] === '}' && keys[start + 2] === '}') return { token: '}', end: start + 3 };
    const close = keys.indexOf('}', start + 1);
    if (close === -1)
      throw new LAM_KeySyntaxError({ keys, position: start, problem: 'a "{" is never closed' });
    return { token: keys.slice(start + 1, close), end: close + 1 };
  };

  const applyBrace = (token: string, position: number) => {
    if (token.length === 1 && BRACED_LITERALS.has(token)) return emitKey(token);
    const m = /^(\S+?)(?:\s+(\d+|down|up))?$/i.exec(token.trim());
    if (!m) throw new LAM_KeySyntaxError({ keys, position, problem: `empty or malformed key {${token}}` });
    const [, rawName, suffix] = m as unknown as [string, string, string | undefined];
    const name = rawName.length === 1 ? rawName : keyName(rawName);
    if (name === undefined)
      throw new LAM_KeySyntaxError({ keys, position, problem: `unknown key name "${rawName}"` });
    const lower = suffix?.toLowerCase();
    if (lower === 'down' || lower === 'up') {
      ops.push({ type: lower, key: name });
      return;
    }
    const count = suffix === undefined ? 1 : Number(suffix);
    if (Object.values(MODIFIER_NAMES).includes(name as Modifier) && name.length > 1 && suffix === undefined) {
      // `{VK_CONTROL}a`: a modifier named in braces holds for the next key, as `^a` does.
      pending.push(name as Modifier);
      return;
    }
    emitKey(name, count);
  };

  while (i < keys.length) {
    const c = keys[i]!;
    if (c in MODIFIER_CHARS) {
      pending.push(MODIFIER_CHARS[c]!);
      i++;
      continue;
    }
    if (c === '(' && pending.length > 0) {
      const close = keys.indexOf(')', i + 1);
      if (close === -1)
        throw new LAM_KeySyntaxError({ keys, position: i, problem: 'a "(" group is never closed' });
      const held = pending;
      for (const op of parseSendKeys(keys.slice(i + 1, close))) {
        if (op.type === 'text') {
          for (const ch of op.text) ops.push({ type: 'press', key: ch, modifiers: [...held], count: 1 });
        } else if (op.type === 'press') {
          ops.push({ ...op, modifiers: [...new Set([...held, ...op.modifiers])] });
        } else ops.push(op);
      }
      pending = [];
      i = close + 1;
      continue;
    }
    if (c === '{') {
      const { token, end } = readBrace(i);
      applyBrace(token, i);
      i = end;
      continue;
    }
    if (c === '~' || c === '\n') emitKey('Enter');
    else if (c === '\t') emitKey('Tab');
    else if (c === '\r') {
      // part of a \r\n newline
    } else emitKey(c);
    i++;
  }
  // A modifier with nothing after it is pressed alone (`{VK_CONTROL}` taps Control).
  for (const m of pending) ops.push({ type: 'press', key: m, modifiers: [], count: 1 });
  return ops;
}

/** A key operation as a Playwright `keyboard.press` argument: `Control+Shift+a`. */
export function toPlaywrightKey(op: { key: string; modifiers: readonly Modifier[] }): string {
  const key = op.key === ' ' ? 'Space' : op.key;
  return [...op.modifiers, key].join('+');
}
