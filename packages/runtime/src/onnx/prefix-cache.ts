import * as ort from 'onnxruntime-node';
import { bufferOf, releaseBuffers } from './release-buffers';

/** The key-value cache of the tokens a generation fed through the model, kept for the next one. */
interface Entry {
  /** The tokens whose keys and values the tensors hold (the tensors may hold more positions after them). */
  ids: number[];
  /** `past_key_values.N.key/value` → a [batch, heads, positions, headDim] float32 tensor. */
  past: Record<string, ort.Tensor>;
}

/** What a lookup found: the first `length` prompt tokens, already processed. */
export interface PrefixHit {
  length: number;
  /** Copies of the cached tensors cut to `length` positions (the caller owns them). */
  past: Record<string, ort.Tensor>;
}

/**
 * The key-value caches of the last few generations, so that a prompt that begins as an earlier one
 * did (the same system text, request and document, a step later in the same task) is processed only
 * from where it differs. A lookup takes the entry sharing the longest token prefix with the prompt
 * and copies its tensors cut to that prefix; the entries themselves are never handed out, so the
 * engine may free what it is given. Least recently used entries are dropped (and freed) first.
 */
export class PrefixCache {
  private entries: Entry[] = [];

  constructor(
    /** How many generations are kept (0: none). */
    readonly size: number,
    /** Shorter shared prefixes are not worth a copy. */
    private readonly minLength = 8,
  ) {}

  /** The longest cached prefix of `prompt`, leaving at least its last token to be fed. */
  take(prompt: readonly number[]): PrefixHit | undefined {
    let best: Entry | undefined;
    let bestLength = 0;
    for (const entry of this.entries) {
      const limit = Math.min(entry.ids.length, prompt.length - 1);
      let n = 0;
      while (n < limit && entry.ids[n] === prompt[n]) n++;
      if (n > bestLength) {
        best = entry;
        bestLength = n;
      }
    }
    if (!best || bestLength < this.minLength) return undefined;
    this.entries = [best, ...this.entries.filter((e) => e !== best)];
    const past: Record<string, ort.Tensor> = {};
    for (const [name, tensor] of Object.entries(best.past)) past[name] = cutPositions(tensor, bestLength);
    return { length: bestLength, past };
  }

  /** Keeps the cache of a finished generation (the cache now owns the tensors). */
  put(ids: number[], past: Record<string, ort.Tensor>): void {
    if (this.size <= 0) {
      releaseBuffers(buffersOf(Object.values(past)));
      return;
    }
    this.entries.unshift({ ids, past });
    for (const dropped of this.entries.splice(this.size))
      releaseBuffers(buffersOf(Object.values(dropped.past)));
  }

  /** Drops (and frees) every entry. */
  clear(): void {
    for (const entry of this.entries) releaseBuffers(buffersOf(Object.values(entry.past)));
    this.entries = [];
  }
}

/** A copy of a [batch, heads, positions, headDim] tensor holding only its first `keep` positions. */
export function cutPositions(tensor: ort.Tensor, keep: number): ort.Tensor {
  const [batch, heads, positions, headDim] = tensor.dims as [number, number, number, number];
  const source = tensor.data as Float32Array;
  const out = new Float32Array(batch * heads * keep * headDim);
  const from = positions * headDim;
  const to = keep * headDim;
  for (let i = 0; i < batch * heads; i++) out.set(source.subarray(i * from, i * from + to), i * to);
  return new ort.Tensor('float32', out, [batch, heads, keep, headDim]);
}

function buffersOf(tensors: ort.Tensor[]): ArrayBufferLike[] {
  return tensors.flatMap((t) => bufferOf(t) ?? []);
}
