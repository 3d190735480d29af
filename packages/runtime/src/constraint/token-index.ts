import { type AutomatonOptions, advance, inStringBody, nextChars, REJECT, type State } from './automaton';

/**
 * The vocabulary seen as text: each token's decoded string, sorted so that a walk over all tokens
 * shares work between tokens with a common prefix and skips a whole group once its prefix is
 * rejected (a trie walk without building the trie).
 */
export class TokenIndex {
  /** Token ids in the order of their sorted strings. */
  private readonly ids: Int32Array;
  private readonly texts: string[];
  /** Length of the prefix each sorted string shares with the previous one. */
  private readonly lcp: Int32Array;
  /** For each sorted position, the first later position whose first (second) character differs. */
  private readonly groupEnd1: Int32Array;
  private readonly groupEnd2: Int32Array;
  /** The first sorted position of the tokens that start with each character. */
  private readonly firstAt = new Map<string, number>();
  /** Tokens made only of characters that are plain inside a JSON string, sorted by length. */
  private readonly plainIds: Int32Array;
  private readonly plainLengths: Int32Array;
  /** The other tokens, for the walk inside strings. */
  private readonly special: TokenIndex | undefined;
  /** Each token's text by id ('' for tokens that cannot be written under a constraint). */
  readonly textOf: readonly string[];
  /**
   * Where {@link allowed} writes its answer. A fresh array per call would put ~100 KiB of garbage per
   * token on the heap, and the extra collections slow the model's own threads down.
   */
  private readonly scratch: Int32Array;

  /**
   * @param textOf the text each token id adds when decoded after other text; '' marks tokens that
   *   are never allowed under a constraint (special tokens, partial UTF-8 bytes).
   */
  constructor(textOf: readonly string[], nested = false) {
    this.textOf = textOf;
    const entries: { id: number; text: string }[] = [];
    for (let id = 0; id < textOf.length; id++) {
      const text = textOf[id]!;
      if (text.length > 0) entries.push({ id, text });
    }
    entries.sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : a.id - b.id));
    const n = entries.length;
    this.scratch = new Int32Array(n);
    this.ids = Int32Array.from(entries, (e) => e.id);
    this.texts = entries.map((e) => e.text);
    this.lcp = new Int32Array(n);
    for (let i = 1; i < n; i++) {
      const a = this.texts[i - 1]!;
      const b = this.texts[i]!;
      let k = 0;
      while (k < a.length && k < b.length && a.charCodeAt(k) === b.charCodeAt(k)) k++;
      this.lcp[i] = k;
    }
    this.groupEnd1 = new Int32Array(n);
    this.groupEnd2 = new Int32Array(n);
    let end1 = n;
    let end2 = n;
    for (let i = n - 1; i >= 0; i--) {
      this.groupEnd1[i] = end1;
      this.groupEnd2[i] = end2;
      if (this.lcp[i]! < 1) end1 = i;
      if (this.lcp[i]! < 2) end2 = i;
    }
    for (let i = 0; i < n; i++) if (this.lcp[i]! < 1) this.firstAt.set(this.texts[i]![0]!, i);
    const plain = entries.filter((e) => isPlain(e.text)).sort((a, b) => a.text.length - b.text.length);
    this.plainIds = Int32Array.from(plain, (e) => e.id);
    this.plainLengths = Int32Array.from(plain, (e) => e.text.length);
    if (!nested)
      this.special = new TokenIndex(
        textOf.map((t) => (t.length > 0 && !isPlain(t) ? t : '')),
        true,
      );
  }

  /** The number of tokens with a text. */
  get size(): number {
    return this.ids.length;
  }

  /**
   * Every token whose text the automaton accepts from `start` and after which the value can still be
   * completed in `room` characters. The array is reused: it is valid until the next call.
   */
  allowed(start: State, options: AutomatonOptions, room: number): Int32Array {
    const body = inStringBody(start);
    if (body && this.special) {
      // Inside a free string almost every token is allowed: take a range of the plain ones
      // (sorted by length) without walking them, and walk only the others.
      const short = Math.max(0, body.minLength - body.len);
      // A plain token of length n leaves start.rem - min(n, short) characters to write.
      const need = start.rem - room;
      let from = 0;
      if (need > short) from = this.plainIds.length;
      else while (from < this.plainLengths.length && this.plainLengths[from]! < need) from++;
      let to = from;
      const capacity = body.maxLength - body.len;
      while (to < this.plainLengths.length && this.plainLengths[to]! <= capacity) to++;
      const others = this.special.allowed(start, options, room);
      this.scratch.set(this.plainIds.subarray(from, to));
      this.scratch.set(others, to - from);
      return this.scratch.subarray(0, to - from + others.length);
    }
    let count = 0;
    this.walk(start, options, (id, rem) => {
      if (rem <= room) this.scratch[count++] = id;
    });
    return this.scratch.subarray(0, count);
  }

  /**
   * Calls `visit(id, rem)` for every token whose text the automaton accepts from `start`,
   * with the fewest characters that complete the value after it.
   */
  walk(start: State, options: AutomatonOptions, visit: (id: number, rem: number) => void): void {
    // Only the groups of tokens whose first character may come next (all of them inside a free string).
    const chars = nextChars(start);
    if (chars === null) {
      this.walkRange(start, options, visit, 0, this.ids.length);
      return;
    }
    const starts = new Set<number>();
    for (const ch of chars) {
      const at = this.firstAt.get(ch);
      if (at !== undefined) starts.add(at);
    }
    for (const at of [...starts].sort((a, b) => a - b))
      this.walkRange(start, options, visit, at, this.groupEnd1[at]!);
  }

  /** The walk over sorted positions `from` to `to` (`from` starts a group of its own). */
  private walkRange(
    start: State,
    options: AutomatonOptions,
    visit: (id: number, rem: number) => void,
    from: number,
    to: number,
  ): void {
    const states: (State | null)[] = [start];
    let deadAt = Number.POSITIVE_INFINITY;
    for (let i = from; i < to; i++) {
      // The first token of the range shares nothing computed in this range.
      const shared = i === from ? 0 : this.lcp[i]!;
      if (deadAt <= shared) {
        // Same dead prefix as the previous token: skip the whole group when it is short.
        if (deadAt === 1) i = this.groupEnd1[i]! - 1;
        else if (deadAt === 2) i = this.groupEnd2[i]! - 1;
        continue;
      }
      deadAt = Number.POSITIVE_INFINITY;
      const text = this.texts[i]!;
      let k = shared;
      for (; k < text.length; k++) {
        const next = advance(states[k]!, text[k]!, options);
        if (next === REJECT) break;
        states[k + 1] = next;
      }
      if (k < text.length) {
        deadAt = k + 1;
        if (deadAt === 1) i = this.groupEnd1[i]! - 1;
        else if (deadAt === 2) i = this.groupEnd2[i]! - 1;
        continue;
      }
      const end = states[text.length];
      visit(this.ids[i]!, end ? end.rem : 0);
    }
  }
}

/** True when every character may stand unescaped inside a JSON string. */
function isPlain(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c) return false;
  }
  return true;
}
