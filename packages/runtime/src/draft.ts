/**
 * Drafts for speculative greedy decoding: tokens the model is likely to write next, found by looking
 * up the last few tokens written in text the model has seen or written before. A decision copies a lot:
 * its JSON skeleton is the same at every step, its thought repeats the plan shown in the prompt, its
 * control name is one of the prompt's lines. The engine checks a draft in one forward pass and keeps
 * only the tokens that greedy decoding would have chosen itself, so a draft changes the speed, never
 * the output.
 */
export class DraftLookup {
  /** Earlier outputs, most recent first, each after the prompt tokens that led to it. */
  private history: number[][] = [];

  constructor(
    /** How many earlier outputs are searched. */
    private readonly keep = 8,
    /** How many of the last tokens are matched at most (fewer are tried down to 1). */
    private readonly ngram = 3,
  ) {}

  /**
   * Continuations of up to `max` tokens that followed the last tokens of `prompt ++ output` where they
   * occurred before, at most `count` different ones, best first: a longer match before a shorter one
   * (the last `ngram` tokens, then fewer), and at each length earlier outputs (most recent first)
   * before the prompt and the output themselves. The caller picks the one it can use most of.
   */
  propose(prompt: readonly number[], output: readonly number[], max: number, count = 4): number[][] {
    if (max <= 0) return [];
    const found: number[][] = [];
    const seen = new Set<string>();
    const add = (continuation: number[]) => {
      const key = continuation.join(',');
      if (continuation.length > 0 && !seen.has(key)) {
        seen.add(key);
        found.push(continuation);
      }
      return found.length >= count;
    };
    const context = [...prompt, ...output];
    for (let n = this.ngram; n >= 1; n--) {
      const tail = context.slice(-n);
      for (const sequence of this.history)
        if (add(continuation(sequence, tail, max, sequence.length))) return found;
      // The last occurrence before the tail itself; in the prompt alone only once the output has begun.
      if (output.length >= n && add(continuation(context, tail, max, context.length - 1))) return found;
    }
    return found;
  }

  /** Remembers a finished output (after the last prompt tokens, so its start can be drafted too). */
  remember(prompt: readonly number[], output: readonly number[]): void {
    if (this.keep <= 0 || output.length === 0) return;
    this.history.unshift([...prompt.slice(-this.ngram), ...output]);
    this.history.length = Math.min(this.history.length, this.keep);
  }
}

/** What follows the last occurrence of `tail` in `sequence` that ends before `end`, up to `max` tokens. */
function continuation(
  sequence: readonly number[],
  tail: readonly number[],
  max: number,
  end: number,
): number[] {
  const n = tail.length;
  for (let at = Math.min(end, sequence.length - 1) - n; at >= 0; at--) {
    let match = true;
    for (let j = 0; j < n; j++) {
      if (sequence[at + j] !== tail[j]) {
        match = false;
        break;
      }
    }
    if (match) {
      const from = at + n;
      return sequence.slice(from, Math.min(from + max, sequence.length));
    }
  }
  return [];
}
