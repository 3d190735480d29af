/** Token choice: greedy, temperature, top-k, top-p, repetition penalty. */

/** A seeded pseudo-random generator (mulberry32): numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Makes the given tokens less likely, in place (divides positive logits, multiplies negative ones). */
export function applyRepetitionPenalty(logits: Float32Array, seen: Iterable<number>, penalty: number): void {
  for (const id of seen) {
    const v = logits[id]!;
    logits[id] = v > 0 ? v / penalty : v * penalty;
  }
}

/**
 * The `k` largest logits' indices, largest first; equal logits in index order (as {@link argmax}
 * picks them). One pass, no sort of the whole vocabulary.
 */
export function topIndices(logits: Float32Array, k: number): number[] {
  const ids: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < logits.length; i++) {
    const v = logits[i]!;
    if (ids.length === k && !(v > values[k - 1]!)) continue;
    let at = ids.length === k ? k - 1 : ids.length;
    while (at > 0 && v > values[at - 1]!) at--;
    if (ids.length === k) {
      ids.pop();
      values.pop();
    }
    ids.splice(at, 0, i);
    values.splice(at, 0, v);
  }
  return ids;
}

/** The index of the largest logit, among `candidates` when given. */
export function argmax(logits: Float32Array, candidates?: ArrayLike<number>): number {
  let best = -1;
  let bestValue = Number.NEGATIVE_INFINITY;
  if (candidates) {
    for (let i = 0; i < candidates.length; i++) {
      const id = candidates[i]!;
      const v = logits[id]!;
      if (v > bestValue || best < 0) {
        best = id;
        bestValue = v;
      }
    }
    return best;
  }
  for (let i = 0; i < logits.length; i++) {
    const v = logits[i]!;
    if (v > bestValue || best < 0) {
      best = i;
      bestValue = v;
    }
  }
  return best;
}

/** Sampling settings. */
export interface SamplingOptions {
  temperature: number;
  topK?: number | undefined;
  topP?: number | undefined;
}

/**
 * Samples a token from `softmax(logits / temperature)`, restricted to the top-k tokens and then to the
 * smallest set whose probability reaches top-p, among `candidates` when given.
 */
export function sample(
  logits: Float32Array,
  options: SamplingOptions,
  random: () => number,
  candidates?: ArrayLike<number>,
): number {
  let ids: number[] = candidates
    ? Array.from(candidates)
    : Array.from({ length: logits.length }, (_, i) => i);
  if (ids.length === 0) throw new Error('no candidate token to sample');
  const topK = options.topK ?? 0;
  const topP = options.topP ?? 1;
  if (topK > 0 && topK < ids.length) ids = largest(logits, ids, topK);
  if (topP < 1) ids.sort((a, b) => logits[b]! - logits[a]!);
  let max = Number.NEGATIVE_INFINITY;
  for (const id of ids) max = Math.max(max, logits[id]!);
  const weights = new Float64Array(ids.length);
  let total = 0;
  for (let i = 0; i < ids.length; i++) {
    const w = Math.exp((logits[ids[i]!]! - max) / options.temperature);
    weights[i] = w;
    total += w;
  }
  let count = ids.length;
  if (topP < 1) {
    let sum = 0;
    for (let i = 0; i < ids.length; i++) {
      sum += weights[i]! / total;
      if (sum >= topP) {
        count = i + 1;
        break;
      }
    }
    total = 0;
    for (let i = 0; i < count; i++) total += weights[i]!;
  }
  let r = random() * total;
  for (let i = 0; i < count; i++) {
    r -= weights[i]!;
    if (r <= 0) return ids[i]!;
  }
  return ids[count - 1]!;
}

/** The `k` ids with the largest logits (a bounded min-heap: O(n log k)). */
function largest(logits: Float32Array, ids: readonly number[], k: number): number[] {
  const heap: number[] = [];
  const less = (a: number, b: number) => logits[a]! < logits[b]!;
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && less(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && less(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  for (const id of ids) {
    if (heap.length < k) {
      heap.push(id);
      for (let i = heap.length - 1; i > 0; ) {
        const p = (i - 1) >> 1;
        if (!less(heap[i]!, heap[p]!)) break;
        [heap[i], heap[p]] = [heap[p]!, heap[i]!];
        i = p;
      }
    } else if (less(heap[0]!, id)) {
      heap[0] = id;
      down(0);
    }
  }
  return heap.sort((a, b) => logits[b]! - logits[a]!);
}
