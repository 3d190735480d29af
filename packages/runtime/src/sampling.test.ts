import { describe, expect, it } from 'vitest';
import { applyRepetitionPenalty, argmax, sample, seededRandom, topIndices } from './sampling';

describe('sampling', () => {
  const logits = Float32Array.from([0.5, 3, -1, 2.9, 0]);

  it('picks the largest logit, among candidates when given', () => {
    expect(argmax(logits)).toBe(1);
    expect(argmax(logits, [0, 2, 3])).toBe(3);
  });

  it('lists the k best in order, equal logits by index as argmax picks them', () => {
    const random = seededRandom(3);
    for (let trial = 0; trial < 50; trial++) {
      // Few distinct values, so that ties are common.
      const xs = Float32Array.from({ length: 200 }, () => Math.floor(random() * 20));
      const expected = [...xs.keys()].sort((a, b) => xs[b]! - xs[a]! || a - b).slice(0, 8);
      expect(topIndices(xs, 8)).toEqual(expected);
      expect(topIndices(xs, 8)[0]).toBe(argmax(xs));
    }
    expect(topIndices(Float32Array.from([1, 2]), 8)).toEqual([1, 0]);
  });

  it('is repeatable with a seed and follows the distribution', () => {
    const draw = (seed: number) => {
      const random = seededRandom(seed);
      return Array.from({ length: 2000 }, () => sample(logits, { temperature: 1 }, random));
    };
    expect(draw(4)).toEqual(draw(4));
    const counts = new Map<number, number>();
    for (const id of draw(9)) counts.set(id, (counts.get(id) ?? 0) + 1);
    const exp = [...logits].map(Math.exp);
    const total = exp.reduce((a, b) => a + b, 0);
    expect(counts.get(1)! / 2000).toBeCloseTo(exp[1]! / total, 1);
  });

  it('restricts to top-k and top-p', () => {
    const random = seededRandom(1);
    const topK = new Set(
      Array.from({ length: 300 }, () => sample(logits, { temperature: 5, topK: 2 }, random)),
    );
    expect([...topK].sort()).toEqual([1, 3]);
    const topP = new Set(
      Array.from({ length: 300 }, () => sample(logits, { temperature: 1, topP: 0.4 }, random)),
    );
    expect([...topP]).toEqual([1]);
    const restricted = new Set(
      Array.from({ length: 300 }, () => sample(logits, { temperature: 1, topK: 1 }, random, [0, 4])),
    );
    expect([...restricted]).toEqual([0]);
  });

  it('penalises seen tokens in both signs', () => {
    const copy = logits.slice();
    applyRepetitionPenalty(copy, [1, 2], 2);
    expect([...copy].map((v) => Math.round(v * 100) / 100)).toEqual([0.5, 1.5, -2, 2.9, 0]);
  });
});
