import type { JsonSchema } from '../types';
import {
  type AutomatonOptions,
  advance,
  advanceText,
  initialState,
  isAccepting,
  nextChars,
  REJECT,
  type State,
} from './automaton';
import { compileSchema, type SchemaNode } from './compile';
import type { TokenIndex } from './token-index';

const WHITESPACE = ' \n\t\r';

/** A JSON Schema compiled for constrained decoding. */
export interface CompiledConstraint {
  readonly schema: JsonSchema;
  readonly root: SchemaNode;
  readonly options: AutomatonOptions;
}

/** Options of {@link compileConstraint}. */
export interface CompileConstraintOptions {
  /** The most whitespace characters allowed in a row between JSON tokens (default 12). */
  maxWhitespace?: number;
}

/**
 * Compiles a JSON Schema (the supported subset) into a character-level automaton.
 * Throws `LAM_ConstraintError` naming the unsupported part.
 */
export function compileConstraint(
  schema: JsonSchema,
  options: CompileConstraintOptions = {},
): CompiledConstraint {
  return { schema, root: compileSchema(schema), options: { maxWhitespace: options.maxWhitespace ?? 12 } };
}

/** True when `text` is a complete JSON value the constraint accepts (as generated: no trailing text). */
export function matchesConstraint(constraint: CompiledConstraint | JsonSchema, text: string): boolean {
  const compiled = isCompiled(constraint) ? constraint : compileConstraint(constraint);
  const end = advanceText(initialState(compiled.root), text, compiled.options);
  return end !== REJECT && isAccepting(end);
}

function isCompiled(c: CompiledConstraint | JsonSchema): c is CompiledConstraint {
  return (
    'root' in c &&
    'options' in c &&
    typeof c.options === 'object' &&
    c.options !== null &&
    'maxWhitespace' in c.options
  );
}

/**
 * Follows one constrained generation token by token. It keeps the output within the token budget:
 * a token is allowed only if the value can still be completed in the tokens left (one character per
 * token at worst), so a constrained output always parses even when `maxTokens` is small.
 */
export class ConstrainedDecoder {
  private state: State | null;
  /** How many full masks were computed (the slow path). */
  masksComputed = 0;
  /** Where {@link allowed} writes its answer when end tokens are added to the index's. */
  private scratch = new Int32Array(0);

  constructor(
    private readonly constraint: CompiledConstraint,
    private readonly index: TokenIndex,
    private readonly endIds: ReadonlySet<number>,
  ) {
    this.state = initialState(constraint.root);
  }

  /** The value is complete: nothing more may follow. */
  get complete(): boolean {
    return this.state === null;
  }

  /** The text so far is a complete value (an end token may follow). */
  get accepting(): boolean {
    return isAccepting(this.state);
  }

  /** Whether token `id` may come next with `budget` tokens left (this one included). */
  allows(id: number, budget: number): boolean {
    if (this.endIds.has(id)) return this.accepting;
    const text = this.index.textOf[id];
    if (!text) return false;
    const end = advanceText(this.state, text, this.constraint.options);
    if (end === REJECT) return false;
    return (end === null ? 0 : end.rem) <= budget - 1;
  }

  /**
   * Every token that may come next. Tokens that would leave the value unfinishable within the
   * budget are left out, unless that leaves nothing. The array is reused: it is valid until the next
   * call (copy it to keep it).
   */
  allowed(budget: number): Int32Array {
    this.masksComputed++;
    const end = this.accepting ? [...this.endIds] : [];
    let ids =
      this.state === null
        ? new Int32Array(0)
        : this.index.allowed(this.state, this.constraint.options, budget - 1);
    if (ids.length + end.length === 0 && this.state !== null) {
      ids = this.index.allowed(this.state, this.constraint.options, Number.POSITIVE_INFINITY);
    }
    if (end.length === 0) return ids;
    if (this.scratch.length < ids.length + end.length)
      this.scratch = new Int32Array(this.index.size + end.length);
    this.scratch.set(ids);
    this.scratch.set(end, ids.length);
    return this.scratch.subarray(0, ids.length + end.length);
  }

  /**
   * How many of `ids`, in a row from here, the constraint allows (a draft's usable part); `budget` is
   * the tokens left before the first of them. The state does not move.
   */
  allowedRun(ids: readonly number[], budget: number): number {
    let state = this.state;
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]!;
      if (this.endIds.has(id) || state === null) return i;
      const text = this.index.textOf[id];
      if (!text) return i;
      const end = advanceText(state, text, this.constraint.options);
      if (end === REJECT || (end === null ? 0 : end.rem) > budget - i - 1) return i;
      state = end;
    }
    return ids.length;
  }

  /**
   * The characters that come next unless the model makes a choice the constraint leaves it: the longest
   * run from here where the constraint allows one character only, at most `max`. Where it also allows
   * whitespace between JSON tokens, `spaced` says how the model spaces its JSON: one space after these
   * characters (`:,` for `{"a": 1, "b": 2}`), none elsewhere; without `spaced` the run stops there.
   * Empty inside free text and where the value may end.
   */
  forcedText(max = 64, spaced?: string): string {
    let state = this.state;
    let out = '';
    while (out.length < max && state !== null && !isAccepting(state)) {
      const candidates = nextChars(state);
      if (candidates === null) break;
      const allowed: string[] = [];
      const after = new Map<string, State | null>();
      for (const ch of new Set(candidates)) {
        const end = advance(state, ch, this.constraint.options);
        if (end === REJECT) continue;
        allowed.push(ch);
        after.set(ch, end);
      }
      const solid = allowed.filter((ch) => !WHITESPACE.includes(ch));
      let ch: string | undefined;
      if (allowed.length === 1) ch = allowed[0];
      else if (spaced !== undefined && solid.length === 1) {
        const last = out.at(-1);
        ch = last !== undefined && spaced.includes(last) && allowed.includes(' ') ? ' ' : solid[0];
      }
      if (ch === undefined) break;
      out += ch;
      state = after.get(ch)!;
    }
    return out;
  }

  /** Moves past token `id` (which must be allowed). */
  accept(id: number): void {
    if (this.endIds.has(id)) {
      this.state = null;
      return;
    }
    const end = advanceText(this.state, this.index.textOf[id] ?? '', this.constraint.options);
    if (end === REJECT) throw new Error(`token ${id} is not allowed by the constraint here`);
    this.state = end;
  }
}
