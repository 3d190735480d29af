import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { cutPositions, PrefixCache } from './prefix-cache';

/** A [1, 2, positions, 2] tensor whose value at (head h, position p, d) is h * 100 + p * 10 + d. */
function kv(positions: number): ort.Tensor {
  const data = new Float32Array(2 * positions * 2);
  for (let h = 0; h < 2; h++)
    for (let p = 0; p < positions; p++)
      for (let d = 0; d < 2; d++) data[(h * positions + p) * 2 + d] = h * 100 + p * 10 + d;
  return new ort.Tensor('float32', data, [1, 2, positions, 2]);
}

describe('PrefixCache', () => {
  it('cuts every head of a cache to its first positions', () => {
    const cut = cutPositions(kv(5), 3);
    expect(cut.dims).toEqual([1, 2, 3, 2]);
    expect([...(cut.data as Float32Array)]).toEqual([0, 1, 10, 11, 20, 21, 100, 101, 110, 111, 120, 121]);
  });

  it('gives the longest shared prefix as a copy, leaving the prompt its last token', () => {
    const cache = new PrefixCache(2, 2);
    cache.put([1, 2, 3, 4, 5], { k: kv(6) });
    cache.put([1, 2, 9], { k: kv(3) });
    const hit = cache.take([1, 2, 3, 4, 7]);
    expect(hit?.length).toBe(4);
    expect(hit?.past.k?.dims).toEqual([1, 2, 4, 2]);
    // The same prompt again: all but its last token.
    expect(cache.take([1, 2, 3, 4, 5])?.length).toBe(4);
    expect(cache.take([1, 2, 3])?.length).toBe(2);
    // Too short a prefix is not worth a copy.
    expect(cache.take([1, 8, 8])).toBeUndefined();
  });

  it('drops the least recently used entry and keeps nothing with size 0', () => {
    const cache = new PrefixCache(2, 1);
    cache.put([1, 1], { k: kv(2) });
    cache.put([2, 2], { k: kv(2) });
    cache.take([1, 1, 5]); // [1, 1] is now the most recent
    cache.put([3, 3], { k: kv(2) });
    expect(cache.take([2, 2, 5])).toBeUndefined();
    expect(cache.take([1, 1, 5])?.length).toBe(2);
    const none = new PrefixCache(0);
    none.put([1, 1], { k: kv(2) });
    expect(none.take([1, 1, 5])).toBeUndefined();
  });
});
