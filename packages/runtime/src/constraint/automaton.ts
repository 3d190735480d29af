import { objectShape, type PropNode, type SchemaNode } from './compile';

/**
 * A character-level pushdown automaton over JSON text, built from a compiled schema.
 * States are immutable, so a walk over many candidate tokens can branch from one state.
 */

/** What a frame does with one character. */
type Step = Frame | { replace: Frame; push: SchemaNode } | null;

interface Frame {
  /** Feeds one character; null when it is not accepted here. */
  step(ch: string, ws: number): Step;
  /** The frame is complete and accepts nothing more. */
  readonly done: boolean;
  /** The frame is complete if the next character is not its own (numbers, literals that prefix others). */
  readonly canEnd: boolean;
  /** The fewest characters that finish this frame (children already pushed not counted). */
  readonly rem: number;
  /**
   * Every character `step` may accept, possibly more (never fewer); null when almost any may come
   * (the body of a free string). Lets a mask skip the tokens whose first character cannot come next.
   */
  next(): string | null;
}

/** A state: a stack of frames. `null` means the value is complete. */
export interface State {
  readonly frame: Frame;
  readonly next: State | null;
  /** The fewest characters that complete the whole value from here. */
  readonly rem: number;
}

/** Returned by {@link advance} when a character is not allowed. */
export const REJECT = 0 as const;

function isWs(ch: string): boolean {
  return ch === ' ' || ch === '\n' || ch === '\t' || ch === '\r';
}

function cell(frame: Frame, next: State | null): State {
  return { frame, next, rem: frame.rem + (next === null ? 0 : next.rem) };
}

function pop(state: State | null): State | null {
  let s = state;
  while (s?.frame.done) s = s!.next;
  return s;
}

/** Options of the automaton. */
export interface AutomatonOptions {
  /** The most whitespace characters allowed in a row between JSON tokens (default 12). */
  maxWhitespace: number;
}

/** Runs one character through a state; {@link REJECT} when it is not allowed. */
export function advance(
  state: State | null,
  ch: string,
  options: AutomatonOptions,
): State | null | typeof REJECT {
  if (state === null) return REJECT;
  const t = state.frame.step(ch, options.maxWhitespace);
  if (t === null) {
    if (state.frame.canEnd) return advance(state.next, ch, options);
    return REJECT;
  }
  if ('step' in t) return pop(cell(t, state.next));
  const parent = cell(t.replace, state.next);
  return advance(cell(initialFrame(t.push), parent), ch, options);
}

/** Runs a whole string through a state. */
export function advanceText(
  state: State | null,
  text: string,
  options: AutomatonOptions,
): State | null | typeof REJECT {
  let s: State | null | typeof REJECT = state;
  for (let i = 0; i < text.length; i++) {
    if (s === REJECT) return REJECT;
    s = advance(s, text[i]!, options);
  }
  return s;
}

/** The start state of a schema: optional leading whitespace, then the value. */
export function initialState(node: SchemaNode): State {
  return cell(new LeadFrame(node, 0), null);
}

/** Whitespace before the value (many chat models start a reply with a space or a newline). */
class LeadFrame implements Frame {
  constructor(
    readonly node: SchemaNode,
    readonly ws: number,
  ) {}
  get done() {
    return false;
  }
  get canEnd() {
    return false;
  }
  get rem() {
    return this.node.min;
  }
  next() {
    return WS + firstChars(this.node);
  }
  step(ch: string, max: number): Step {
    if (isWs(ch)) return this.ws < max ? new LeadFrame(this.node, this.ws + 1) : null;
    return { replace: DONE_FRAME, push: this.node };
  }
}

const WS = ' \n\t\r';
const ANY_FIRST = '{["-0123456789tfn';

/** The characters a value of this schema may start with (possibly more). */
function firstChars(node: SchemaNode): string {
  switch (node.kind) {
    case 'object':
    case 'anyObject':
      return '{';
    case 'array':
      return '[';
    case 'string':
      return '"';
    case 'number':
      return '-0123456789';
    case 'literals':
      return node.options.map((o) => o[0] ?? '').join('');
    case 'any':
      return ANY_FIRST;
  }
}

/**
 * Every character that may come next from this state (possibly more, never fewer), or null when
 * almost any may (inside a free string). `''` when nothing may (the value is complete).
 */
export function nextChars(state: State | null): string | null {
  let out = '';
  for (let s = state; s !== null; s = s.next) {
    const chars = s.frame.next();
    if (chars === null) return null;
    out += chars;
    // A frame that can end lets the characters of the frames below it through (see advance).
    if (!s.frame.canEnd) break;
  }
  return out;
}

/** True when the text so far is a complete value (a number may still go on). */
export function isAccepting(state: State | null): boolean {
  for (let s = state; s !== null; s = s.next) if (!s.frame.canEnd) return false;
  return true;
}

/** True when the top frame is the body of a free string (used by the fast path). */
export function inStringBody(state: State | null): StringFrame | undefined {
  const f = state?.frame;
  return f instanceof StringFrame && f.phase === BODY ? f : undefined;
}

function initialFrame(node: SchemaNode): Frame {
  switch (node.kind) {
    case 'object':
      return new ObjectFrame(node.props, shapes.get(node.props), OPEN, 0, 0, null);
    case 'anyObject':
      return new AnyObjectFrame(OPEN, 0);
    case 'any':
      return ANY_VALUE;
    case 'array':
      return new ArrayFrame(node, OPEN, 0, 0);
    case 'string':
      return new StringFrame(node.minLength, node.maxLength, OPEN, 0, 0);
    case 'literals':
      return new LiteralsFrame(node.options, 0, node.options, node.min);
    case 'number':
      return new NumberFrame(node.integer, N_START, 0);
  }
}

const shapes = {
  cache: new WeakMap<readonly PropNode[], ReturnType<typeof objectShape>>(),
  get(props: readonly PropNode[]) {
    let s = this.cache.get(props);
    if (!s) {
      s = objectShape(props);
      this.cache.set(props, s);
    }
    return s;
  },
};

const OPEN = 0;
const BODY = 1;
const ESCAPE = 2;
const UNICODE = 3;
const DONE = 4;

/** A JSON string; `len` counts characters of the decoded value. */
export class StringFrame implements Frame {
  constructor(
    readonly minLength: number,
    readonly maxLength: number,
    readonly phase: number,
    readonly len: number,
    readonly hex: number,
  ) {}

  get done() {
    return this.phase === DONE;
  }
  get canEnd() {
    return false;
  }
  get rem() {
    if (this.phase === DONE) return 0;
    // Characters still to write: the rest of an escape, what minLength still asks for, the closing quote.
    // An escape counts as one character of the string once complete.
    const need = Math.max(0, this.minLength - this.len) + 1;
    if (this.phase === OPEN) return need + 1;
    const afterEscape = Math.max(0, this.minLength - this.len - 1) + 1;
    if (this.phase === ESCAPE) return 1 + afterEscape;
    if (this.phase === UNICODE) return 4 - this.hex + afterEscape;
    return need;
  }

  next() {
    switch (this.phase) {
      case OPEN:
        return '"';
      case BODY:
        return null;
      case ESCAPE:
        return '"\\/bfnrtu';
      case UNICODE:
        return '0123456789abcdefABCDEF';
      default:
        return '';
    }
  }

  step(ch: string): Step {
    switch (this.phase) {
      case OPEN:
        return ch === '"' ? new StringFrame(this.minLength, this.maxLength, BODY, 0, 0) : null;
      case BODY:
        if (ch === '"') {
          return this.len >= this.minLength
            ? new StringFrame(this.minLength, this.maxLength, DONE, this.len, 0)
            : null;
        }
        if (this.len >= this.maxLength) return null;
        if (ch === '\\') return new StringFrame(this.minLength, this.maxLength, ESCAPE, this.len, 0);
        if (ch < ' ') return null;
        return new StringFrame(this.minLength, this.maxLength, BODY, this.len + 1, 0);
      case ESCAPE:
        if (ch === 'u') return new StringFrame(this.minLength, this.maxLength, UNICODE, this.len, 0);
        return '"\\/bfnrt'.includes(ch)
          ? new StringFrame(this.minLength, this.maxLength, BODY, this.len + 1, 0)
          : null;
      case UNICODE:
        if (!/^[0-9a-fA-F]$/.test(ch)) return null;
        return this.hex === 3
          ? new StringFrame(this.minLength, this.maxLength, BODY, this.len + 1, 0)
          : new StringFrame(this.minLength, this.maxLength, UNICODE, this.len, this.hex + 1);
      default:
        return null;
    }
  }
}

/** One of several literal JSON texts (enum, const, true/false, null). */
class LiteralsFrame implements Frame {
  constructor(
    readonly options: readonly string[],
    readonly pos: number,
    readonly alive: readonly string[],
    readonly rem: number,
  ) {}

  get canEnd() {
    return this.pos > 0 && this.alive.some((o) => o.length === this.pos);
  }
  get done() {
    return this.canEnd && this.alive.every((o) => o.length === this.pos);
  }

  next() {
    return this.alive.map((o) => o[this.pos] ?? '').join('');
  }

  step(ch: string): Step {
    const alive = this.alive.filter((o) => o[this.pos] === ch);
    if (alive.length === 0) return null;
    const pos = this.pos + 1;
    return new LiteralsFrame(this.options, pos, alive, Math.min(...alive.map((o) => o.length - pos)));
  }
}

const N_START = 0;
const N_MINUS = 1;
const N_ZERO = 2;
const N_INT = 3;
const N_DOT = 4;
const N_FRAC = 5;
const N_EXP = 6;
const N_EXP_SIGN = 7;
const N_EXP_DIGITS = 8;
/** Digits allowed in one number: enough for any double, and a bound on a runaway model. */
const MAX_DIGITS = 30;

class NumberFrame implements Frame {
  constructor(
    readonly integer: boolean,
    readonly phase: number,
    readonly digits: number,
  ) {}

  get done() {
    return false;
  }
  get canEnd() {
    return (
      this.phase === N_ZERO || this.phase === N_INT || this.phase === N_FRAC || this.phase === N_EXP_DIGITS
    );
  }
  get rem() {
    return this.canEnd ? 0 : 1;
  }

  next() {
    return '-+.eE0123456789';
  }

  step(ch: string): Step {
    const digit = ch >= '0' && ch <= '9';
    const d = this.digits + (digit ? 1 : 0);
    if (digit && d > MAX_DIGITS) return null;
    const to = (phase: number) => new NumberFrame(this.integer, phase, d);
    switch (this.phase) {
      case N_START:
        if (ch === '-') return to(N_MINUS);
        if (ch === '0') return to(N_ZERO);
        return digit ? to(N_INT) : null;
      case N_MINUS:
        if (ch === '0') return to(N_ZERO);
        return digit ? to(N_INT) : null;
      case N_ZERO:
      case N_INT:
        if (digit) return this.phase === N_INT ? to(N_INT) : null;
        if (this.integer) return null;
        if (ch === '.') return to(N_DOT);
        return ch === 'e' || ch === 'E' ? to(N_EXP) : null;
      case N_DOT:
        return digit ? to(N_FRAC) : null;
      case N_FRAC:
        if (digit) return to(N_FRAC);
        return ch === 'e' || ch === 'E' ? to(N_EXP) : null;
      case N_EXP:
        if (ch === '+' || ch === '-') return to(N_EXP_SIGN);
        return digit ? to(N_EXP_DIGITS) : null;
      case N_EXP_SIGN:
      case N_EXP_DIGITS:
        return digit ? to(N_EXP_DIGITS) : null;
      default:
        return null;
    }
  }
}

/** Any JSON value: dispatches on its first character. */
const DONE_FRAME: Frame = { step: () => null, next: () => '', done: true, canEnd: true, rem: 0 };
const ANY_VALUE: Frame = {
  done: false,
  canEnd: false,
  rem: 1,
  next: () => ANY_FIRST,
  step(ch: string): Step {
    if (ch === '{') return { replace: DONE_FRAME, push: { kind: 'anyObject', min: 2 } };
    if (ch === '[') return { replace: DONE_FRAME, push: ANY_ARRAY };
    if (ch === '"') return { replace: DONE_FRAME, push: ANY_STRING };
    if (ch === '-' || (ch >= '0' && ch <= '9')) return { replace: DONE_FRAME, push: ANY_NUMBER };
    if (ch === 't' || ch === 'f' || ch === 'n') return { replace: DONE_FRAME, push: ANY_LITERAL };
    return null;
  },
};
const ANY_STRING: SchemaNode = { kind: 'string', minLength: 0, maxLength: Number.POSITIVE_INFINITY, min: 2 };
const ANY_NUMBER: SchemaNode = { kind: 'number', integer: false, min: 1 };
const ANY_LITERAL: SchemaNode = { kind: 'literals', options: ['true', 'false', 'null'], min: 4 };
const ANY_ARRAY: SchemaNode = {
  kind: 'array',
  items: { kind: 'any', min: 1 },
  minItems: 0,
  maxItems: Number.POSITIVE_INFINITY,
  min: 2,
};

// Container phases.
const C_OPEN = 0; // expects the opening bracket
const C_FIRST = 1; // after the opening bracket: a member or the closing bracket
const C_AFTER = 2; // after a member: a comma or the closing bracket
const C_KEY = 3; // inside a key (objects with properties)
const C_COLON = 4;
const C_VALUE = 5; // expects a value
const C_NEXT = 6; // after a comma: a member only
const C_DONE = 7;
const C_TAG = 8; // inside the value of a union's discriminator (see PropNode.branches)

/** An object whose properties come in their declared order; optional ones may be left out. */
class ObjectFrame implements Frame {
  constructor(
    readonly props: readonly PropNode[],
    readonly shape: ReturnType<typeof objectShape>,
    readonly phase: number,
    /** C_KEY/C_FIRST/C_NEXT: the first property index a key may name; C_COLON/C_VALUE/C_AFTER: the current one. */
    readonly index: number,
    readonly ws: number,
    /** C_KEY: the candidate property indices and the characters matched. */
    readonly key: { candidates: number[]; pos: number } | null,
    /** C_TAG: the discriminator values (JSON text) still possible and the characters matched. */
    readonly tag: { alive: readonly string[]; pos: number } | null = null,
  ) {}

  get done() {
    return this.phase === C_DONE;
  }
  get canEnd() {
    return this.phase === C_DONE;
  }
  get rem(): number {
    const { after, key } = this.shape;
    switch (this.phase) {
      case C_OPEN:
        return this.shape.afterOpen;
      case C_FIRST:
        return this.shape.afterOpen - 1;
      case C_NEXT:
        return key[this.index]!;
      case C_KEY: {
        let best = Number.POSITIVE_INFINITY;
        for (const i of this.key!.candidates) {
          const p = this.props[i]!;
          best = Math.min(best, p.keyJson.length - this.key!.pos + 1 + p.node.min + after[i + 1]!);
        }
        return best;
      }
      case C_COLON:
        return 1 + this.props[this.index]!.node.min + after[this.index + 1]!;
      case C_VALUE:
        return this.props[this.index]!.node.min + after[this.index + 1]!;
      case C_AFTER:
        return after[this.index + 1]!;
      case C_TAG: {
        const { alive, pos } = this.tag!;
        const branches = this.props[this.index]!.branches!;
        let best = Number.POSITIVE_INFINITY;
        for (const value of alive) {
          const rest = shapes.get(branches.get(value)!).after[this.index + 1]!;
          best = Math.min(best, value.length - pos + rest);
        }
        return best;
      }
      default:
        return 0;
    }
  }

  private to(phase: number, index: number, ws = 0, key: ObjectFrame['key'] = null) {
    return new ObjectFrame(this.props, this.shape, phase, index, ws, key);
  }

  private space(ch: string, max: number): Step | undefined {
    if (!isWs(ch)) return undefined;
    return this.ws < max ? this.to(this.phase, this.index, this.ws + 1, this.key) : null;
  }

  /** Property indices a key may name from index `from`: up to and including the first required one. */
  private reachable(from: number): number[] {
    const out: number[] = [];
    for (let i = from; i < this.props.length; i++) {
      out.push(i);
      if (this.props[i]!.required) break;
    }
    return out;
  }

  private allOptionalFrom(from: number): boolean {
    for (let i = from; i < this.props.length; i++) if (this.props[i]!.required) return false;
    return true;
  }

  next() {
    switch (this.phase) {
      case C_OPEN:
        return '{';
      case C_FIRST:
      case C_NEXT:
        return `${WS}}"`;
      case C_KEY: {
        const { candidates, pos } = this.key!;
        return candidates.map((i) => this.props[i]!.keyJson[pos] ?? '').join('');
      }
      case C_COLON:
        return `${WS}:`;
      case C_VALUE:
        return WS + firstChars(this.props[this.index]!.node);
      case C_AFTER:
        return `${WS},}`;
      case C_TAG: {
        const { alive, pos } = this.tag!;
        return alive.map((v) => v[pos] ?? '').join('');
      }
      default:
        return '';
    }
  }

  /**
   * One character of a discriminator's value. The values are JSON strings, so none is a prefix of
   * another: once one is complete, the object goes on with the properties of the branch it selects.
   */
  private stepTag(values: readonly string[], pos: number, ch: string): Step {
    const alive = values.filter((v) => v[pos] === ch);
    if (alive.length === 0) return null;
    const whole = alive.find((v) => v.length === pos + 1);
    if (whole === undefined)
      return new ObjectFrame(this.props, this.shape, C_TAG, this.index, 0, null, { alive, pos: pos + 1 });
    const props = this.props[this.index]!.branches!.get(whole)!;
    return new ObjectFrame(props, shapes.get(props), C_AFTER, this.index, 0, null);
  }

  step(ch: string, max: number): Step {
    switch (this.phase) {
      case C_OPEN:
        return ch === '{' ? this.to(C_FIRST, 0) : null;
      case C_FIRST:
      case C_NEXT: {
        const sp = this.space(ch, max);
        if (sp !== undefined) return sp;
        if (ch === '}') return this.phase === C_FIRST && this.allOptionalFrom(0) ? this.to(C_DONE, 0) : null;
        if (ch !== '"') return null;
        const candidates = this.reachable(this.index);
        return candidates.length > 0 ? this.to(C_KEY, this.index, 0, { candidates, pos: 1 }) : null;
      }
      case C_KEY: {
        const { candidates, pos } = this.key!;
        const alive = candidates.filter((i) => this.props[i]!.keyJson[pos] === ch);
        if (alive.length === 0) return null;
        const whole = alive.find((i) => this.props[i]!.keyJson.length === pos + 1);
        if (whole !== undefined) return this.to(C_COLON, whole);
        return this.to(C_KEY, this.index, 0, { candidates: alive, pos: pos + 1 });
      }
      case C_COLON: {
        const sp = this.space(ch, max);
        if (sp !== undefined) return sp;
        return ch === ':' ? this.to(C_VALUE, this.index) : null;
      }
      case C_VALUE: {
        const sp = this.space(ch, max);
        if (sp !== undefined) return sp;
        const prop = this.props[this.index]!;
        if (prop.branches) return this.stepTag([...prop.branches.keys()], 0, ch);
        return { replace: this.to(C_AFTER, this.index), push: prop.node };
      }
      case C_TAG:
        return this.stepTag(this.tag!.alive, this.tag!.pos, ch);
      case C_AFTER: {
        const sp = this.space(ch, max);
        if (sp !== undefined) return sp;
        if (ch === ',') return this.index + 1 < this.props.length ? this.to(C_NEXT, this.index + 1) : null;
        if (ch === '}') return this.allOptionalFrom(this.index + 1) ? this.to(C_DONE, 0) : null;
        return null;
      }
      default:
        return null;
    }
  }
}

const KEY_STRING: SchemaNode = ANY_STRING;

/** A free-form object: any keys, any values. */
class AnyObjectFrame implements Frame {
  constructor(
    readonly phase: number,
    readonly ws: number,
  ) {}

  get done() {
    return this.phase === C_DONE;
  }
  get canEnd() {
    return this.phase === C_DONE;
  }
  get rem() {
    switch (this.phase) {
      case C_OPEN:
        return 2;
      case C_FIRST:
      case C_AFTER:
        return 1;
      case C_NEXT:
        return 2 + 1 + 1 + 1; // "" : 0 }
      case C_COLON:
        return 1 + 1 + 1;
      case C_VALUE:
        return 1 + 1;
      default:
        return 0;
    }
  }

  next() {
    if (this.phase === C_OPEN) return '{';
    if (this.phase === C_DONE) return '';
    return `${WS}}",:${ANY_FIRST}`;
  }

  step(ch: string, max: number): Step {
    if (this.phase === C_OPEN) return ch === '{' ? new AnyObjectFrame(C_FIRST, 0) : null;
    if (this.phase === C_DONE) return null;
    if (isWs(ch)) return this.ws < max ? new AnyObjectFrame(this.phase, this.ws + 1) : null;
    switch (this.phase) {
      case C_FIRST:
      case C_NEXT:
        if (ch === '}' && this.phase === C_FIRST) return new AnyObjectFrame(C_DONE, 0);
        return ch === '"' ? { replace: new AnyObjectFrame(C_COLON, 0), push: KEY_STRING } : null;
      case C_COLON:
        return ch === ':' ? new AnyObjectFrame(C_VALUE, 0) : null;
      case C_VALUE:
        return { replace: new AnyObjectFrame(C_AFTER, 0), push: { kind: 'any', min: 1 } };
      case C_AFTER:
        if (ch === ',') return new AnyObjectFrame(C_NEXT, 0);
        return ch === '}' ? new AnyObjectFrame(C_DONE, 0) : null;
      default:
        return null;
    }
  }
}

/** An array of items of one schema. */
class ArrayFrame implements Frame {
  constructor(
    readonly node: Extract<SchemaNode, { kind: 'array' }>,
    readonly phase: number,
    readonly count: number,
    readonly ws: number,
  ) {}

  get done() {
    return this.phase === C_DONE;
  }
  get canEnd() {
    return this.phase === C_DONE;
  }
  get rem() {
    const { minItems, items } = this.node;
    const missing = Math.max(0, minItems - this.count);
    const items_ = missing * items.min + Math.max(0, missing - 1);
    switch (this.phase) {
      case C_OPEN:
        return this.node.min;
      case C_FIRST:
        return missing === 0 ? 1 : items_ + 1;
      case C_AFTER:
        return missing === 0 ? 1 : 1 + items_ + 1;
      case C_NEXT:
        return Math.max(1, missing) * items.min + Math.max(0, missing - 1) + 1;
      default:
        return 0;
    }
  }

  next() {
    if (this.phase === C_OPEN) return '[';
    if (this.phase === C_DONE) return '';
    return `${WS}],${firstChars(this.node.items)}`;
  }

  step(ch: string, max: number): Step {
    const { minItems, maxItems, items } = this.node;
    if (this.phase === C_OPEN) return ch === '[' ? new ArrayFrame(this.node, C_FIRST, 0, 0) : null;
    if (this.phase === C_DONE) return null;
    if (isWs(ch))
      return this.ws < max ? new ArrayFrame(this.node, this.phase, this.count, this.ws + 1) : null;
    switch (this.phase) {
      case C_FIRST:
        if (ch === ']') return minItems === 0 ? new ArrayFrame(this.node, C_DONE, 0, 0) : null;
        if (maxItems === 0) return null;
        return { replace: new ArrayFrame(this.node, C_AFTER, 1, 0), push: items };
      case C_NEXT:
        return { replace: new ArrayFrame(this.node, C_AFTER, this.count + 1, 0), push: items };
      case C_AFTER:
        if (ch === ']')
          return this.count >= minItems ? new ArrayFrame(this.node, C_DONE, this.count, 0) : null;
        if (ch === ',')
          return this.count < maxItems ? new ArrayFrame(this.node, C_NEXT, this.count, 0) : null;
        return null;
      default:
        return null;
    }
  }
}
