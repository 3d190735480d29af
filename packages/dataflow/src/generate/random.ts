import { createHash } from 'node:crypto';

/** A seeded pseudo-random source (mulberry32): the same seed and keys give the same numbers everywhere. */
export interface Rng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max] (both included). */
  int(min: number, max: number): number;
  pick<T>(items: readonly T[]): T;
  /** `n` distinct items in random order. */
  sample<T>(items: readonly T[], n: number): T[];
  shuffle<T>(items: readonly T[]): T[];
  chance(p: number): boolean;
}

/** A 32-bit number from the SHA-256 of the parts. */
export function hash32(...parts: readonly (string | number)[]): number {
  return createHash('sha256').update(parts.join('\u0000')).digest().readUInt32LE(0);
}

/** A number in [0, 1) from the SHA-256 of the parts: stable across runs, machines and shards. */
export function unitHash(...parts: readonly (string | number)[]): number {
  return hash32(...parts) / 2 ** 32;
}

/** A seeded {@link Rng} for a seed and keys (`rngFor('1', 'task', 42)`). */
export function rngFor(...parts: readonly (string | number)[]): Rng {
  let a = hash32(...parts);
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng: Rng = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => {
      if (items.length === 0) throw new RangeError('rng.pick: no items to pick from');
      return items[Math.floor(next() * items.length)] as (typeof items)[number];
    },
    shuffle: (items) => {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [out[i], out[j]] = [out[j] as (typeof out)[number], out[i] as (typeof out)[number]];
      }
      return out;
    },
    sample: (items, n) => rng.shuffle(items).slice(0, n),
    chance: (p) => next() < p,
  };
  return rng;
}
