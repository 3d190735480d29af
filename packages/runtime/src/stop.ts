/**
 * Watches generated text for stop strings and decides how much of it is safe to stream:
 * text that could still become the start of a stop string is held back.
 */
export class StopMatcher {
  private readonly longest: number;

  constructor(private readonly stops: readonly string[]) {
    this.longest = stops.reduce((n, s) => Math.max(n, s.length), 0);
  }

  /** The index where the first stop string starts in `text`, or -1. */
  find(text: string, from = 0): number {
    let best = -1;
    for (const s of this.stops) {
      const i = text.indexOf(s, Math.max(0, from - this.longest));
      if (i >= 0 && (best < 0 || i < best)) best = i;
    }
    return best;
  }

  /** How many leading characters of `text` can be emitted now without risking a partial stop string. */
  safeLength(text: string): number {
    let keep = 0;
    for (const s of this.stops) {
      for (let n = Math.min(s.length - 1, text.length); n > keep; n--) {
        if (text.endsWith(s.slice(0, n))) {
          keep = n;
          break;
        }
      }
    }
    return text.length - keep;
  }
}
