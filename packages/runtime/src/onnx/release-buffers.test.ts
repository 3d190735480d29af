import { getHeapStatistics } from 'node:v8';
import { markAsUntransferable } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { releaseBuffers } from './release-buffers';

describe('releaseBuffers', () => {
  it('detaches the buffers and frees their memory at once', () => {
    const external = () => getHeapStatistics().external_memory;
    const before = external();
    const buffers = Array.from({ length: 4 }, () => new ArrayBuffer(4 << 20));
    const views = buffers.map((b) => new Float32Array(b));
    expect(external() - before).toBeGreaterThanOrEqual(16 << 20);
    // The same buffer twice (two views of one buffer) is released once.
    releaseBuffers([...buffers, buffers[0]!]);
    expect(buffers.map((b) => b.byteLength)).toEqual([0, 0, 0, 0]);
    expect(views.map((v) => v.length)).toEqual([0, 0, 0, 0]);
    expect(external() - before).toBeLessThan(1 << 20);
  });

  it('leaves shared and empty buffers alone, and does nothing for none', () => {
    const shared = new SharedArrayBuffer(16);
    const empty = new ArrayBuffer(0);
    const plain = new ArrayBuffer(16);
    releaseBuffers([shared, empty, plain]);
    expect(shared.byteLength).toBe(16);
    expect(plain.byteLength).toBe(0);
    expect(() => releaseBuffers([])).not.toThrow();
  });

  it('leaves a buffer that may not be transferred to the collector', () => {
    // Node marks the memory of its Buffer pool so; the others are still released.
    const pinned = new ArrayBuffer(16);
    markAsUntransferable(pinned);
    const other = new ArrayBuffer(16);
    releaseBuffers([pinned, other]);
    expect(pinned.byteLength).toBe(16);
    expect(other.byteLength).toBe(0);
  });
});
