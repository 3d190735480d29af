import { describe, expect, it } from 'vitest';
import { LAM_EvalInputError } from '../errors';
import { bootstrapInterval, pairedComparison, seededRandom } from './bootstrap';

describe('bootstrapInterval', () => {
  it('is reproducible for a seed and brackets the mean', () => {
    const values = Array.from({ length: 200 }, (_, i) => (i % 10 < 7 ? 1 : 0));
    const a = bootstrapInterval(values, { seed: 7 });
    expect(bootstrapInterval(values, { seed: 7 })).toEqual(a);
    expect(a.estimate).toBeCloseTo(0.7, 12);
    expect(a.lower).toBeLessThan(0.7);
    expect(a.upper).toBeGreaterThan(0.7);
    // The normal approximation of a 95% interval of a proportion at n = 200: ±1.96·sqrt(.21/200) ≈ ±0.0635.
    expect(a.upper - a.lower).toBeGreaterThan(0.1);
    expect(a.upper - a.lower).toBeLessThan(0.155);
  });

  it('covers the true mean about as often as it claims', () => {
    const random = seededRandom(99);
    let covered = 0;
    const runs = 200;
    for (let r = 0; r < runs; r++) {
      const sample = Array.from({ length: 60 }, () => (random() < 0.4 ? 1 : 0));
      const ci = bootstrapInterval(sample, { seed: r, resamples: 500 });
      if (ci.lower <= 0.4 && 0.4 <= ci.upper) covered++;
    }
    expect(covered / runs).toBeGreaterThan(0.88);
    expect(covered / runs).toBeLessThan(0.99);
  });

  it('takes another statistic, handles no data, and rejects bad options', () => {
    const median = (xs: Float64Array) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    expect(bootstrapInterval([1, 2, 3, 100], { statistic: median }).estimate).toBe(3);
    expect(bootstrapInterval([])).toMatchObject({ estimate: 0, lower: 0, upper: 0, n: 0 });
    expect(() => bootstrapInterval([1], { confidence: 1.5 })).toThrow(LAM_EvalInputError);
    expect(() => bootstrapInterval([1], { resamples: 0 })).toThrow(/positive integer/);
  });
});

describe('pairedComparison', () => {
  const ids = Array.from({ length: 100 }, (_, i) => `t${i}`);

  it('finds a clear improvement and gives McNemar for 1/0 outcomes', () => {
    const base = ids.map((taskId, i) => ({ taskId, value: i < 50 }));
    const cand = ids.map((taskId, i) => ({ taskId, value: i < 70 }));
    const c = pairedComparison(base, cand);
    expect(c).toMatchObject({ n: 100, baselineMean: 0.5, candidateMean: 0.7, wins: 20, losses: 0, ties: 80 });
    expect(c.difference.estimate).toBeCloseTo(0.2, 12);
    expect(c.difference.lower).toBeGreaterThan(0.1);
    expect(c.pValue).toBeLessThan(0.01);
    // Exact McNemar with 20 discordant tasks all one way: 2 · 0.5^20.
    expect(c.mcnemarPValue).toBeCloseTo(2 * 0.5 ** 20, 15);
  });

  it('sees no difference when the systems swap wins evenly', () => {
    const base = ids.map((taskId, i) => ({ taskId, value: i % 4 === 0 ? 1 : 0 }));
    const cand = ids.map((taskId, i) => ({ taskId, value: i % 4 === 1 ? 1 : 0 }));
    const c = pairedComparison(base, cand);
    expect(c.difference.estimate).toBe(0);
    expect(c.pValue).toBeGreaterThan(0.5);
    expect(c.mcnemarPValue).toBe(1);
    expect(c.difference.lower).toBeLessThan(0);
    expect(c.difference.upper).toBeGreaterThan(0);
  });

  it('pairs by task id, lists unmatched tasks, and can refuse them', () => {
    const base = [
      { taskId: 'a', value: 10 },
      { taskId: 'b', value: 20 },
      { taskId: 'x', value: 1 },
    ];
    const cand = [
      { taskId: 'b', value: 15 },
      { taskId: 'a', value: 4 },
      { taskId: 'y', value: 2 },
    ];
    const c = pairedComparison(base, cand);
    expect(c).toMatchObject({
      n: 2,
      baselineMean: 15,
      candidateMean: 9.5,
      losses: 2,
      unmatched: { baselineOnly: ['x'], candidateOnly: ['y'] },
    });
    expect(c.mcnemarPValue).toBeUndefined();
    expect(() => pairedComparison(base, cand, { unmatched: 'error' })).toThrow(/only in the baseline/);
  });
});
