import { LAM_EvalInputError } from '../errors';

/** A seeded pseudo-random generator (mulberry32): the same seed gives the same intervals. */
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

/** Options of {@link bootstrapInterval}. */
export interface BootstrapOptions {
  /** Resamples drawn (default 2,000). */
  resamples?: number;
  /** Coverage of the interval (default 0.95). */
  confidence?: number;
  /** Seed of the resampling (default 1), so reports are reproducible. */
  seed?: number;
  /** The statistic of a sample (default the mean). */
  statistic?: (sample: Float64Array) => number;
}

/** A point estimate with a percentile bootstrap confidence interval. */
export interface Interval {
  estimate: number;
  lower: number;
  upper: number;
  confidence: number;
  resamples: number;
  n: number;
}

const mean = (xs: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return xs.length === 0 ? 0 : s / xs.length;
};

function quantile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function checkOptions(options: BootstrapOptions): { resamples: number; confidence: number; seed: number } {
  const resamples = options.resamples ?? 2000;
  const confidence = options.confidence ?? 0.95;
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new LAM_EvalInputError({
      input: 'bootstrap options',
      problem: `resamples must be a positive integer, got ${resamples}`,
      fix: 'Use 1,000 to 10,000 resamples.',
    });
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new LAM_EvalInputError({
      input: 'bootstrap options',
      problem: `confidence must be between 0 and 1, got ${confidence}`,
      fix: 'Use e.g. 0.95 for a 95% interval.',
    });
  }
  return { resamples, confidence, seed: options.seed ?? 1 };
}

/**
 * A percentile bootstrap confidence interval of a statistic (default the mean) of per-task values,
 * e.g. 1/0 task successes or completion times. Resampling is seeded, so the same input and seed
 * give the same interval. An empty input gives a zero-width interval at 0.
 */
export function bootstrapInterval(values: readonly number[], options: BootstrapOptions = {}): Interval {
  const { resamples, confidence, seed } = checkOptions(options);
  const statistic = options.statistic ?? mean;
  const n = values.length;
  const data = Float64Array.from(values);
  const estimate = n === 0 ? 0 : statistic(data);
  if (n === 0) return { estimate, lower: 0, upper: 0, confidence, resamples, n };
  const random = seededRandom(seed);
  const sample = new Float64Array(n);
  const stats = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) sample[i] = data[Math.floor(random() * n)]!;
    stats[r] = statistic(sample);
  }
  stats.sort();
  const alpha = (1 - confidence) / 2;
  return {
    estimate,
    lower: quantile(stats, alpha),
    upper: quantile(stats, 1 - alpha),
    confidence,
    resamples,
    n,
  };
}

/** One system's outcome on one task: 1/0 (or true/false) for success, or any number (time, steps). */
export interface TaskOutcome {
  taskId: string;
  value: number | boolean;
}

/** Options of {@link pairedComparison}. */
export interface PairedComparisonOptions extends Omit<BootstrapOptions, 'statistic'> {
  /** What to do with tasks only one system has: `ignore` (default, listed in `unmatched`) or `error`. */
  unmatched?: 'ignore' | 'error';
}

/** Two systems compared on the tasks both ran. `difference` is candidate minus baseline. */
export interface PairedComparison {
  /** Tasks both systems have. */
  n: number;
  baselineMean: number;
  candidateMean: number;
  /** Mean of the per-task differences (candidate − baseline), with its bootstrap interval. */
  difference: Interval;
  /** Tasks where the candidate is higher, lower, or equal. */
  wins: number;
  losses: number;
  ties: number;
  /** Two-sided p-value of a paired sign-flip permutation test of the mean difference. */
  pValue: number;
  /** For 1/0 outcomes: the exact McNemar test on the discordant tasks (two-sided). */
  mcnemarPValue?: number;
  /** Task ids only one of the systems has. */
  unmatched: { baselineOnly: string[]; candidateOnly: string[] };
}

function binomialTwoSided(k: number, n: number): number {
  // P(X <= min(k, n-k)) * 2 for X ~ Binomial(n, 1/2), capped at 1; computed in log space.
  const m = Math.min(k, n - k);
  let logC = 0; // log C(n, 0)
  let sum = 0;
  for (let i = 0; i <= m; i++) {
    if (i > 0) logC += Math.log(n - i + 1) - Math.log(i);
    sum += Math.exp(logC - n * Math.LN2);
  }
  return Math.min(1, 2 * sum);
}

const toNumber = (v: number | boolean): number => (typeof v === 'boolean' ? Number(v) : v);

/**
 * Compares two systems on the same tasks (paired by `taskId`): the mean difference with a
 * bootstrap interval over tasks, a sign-flip permutation p-value, win/loss/tie counts, and, for
 * 1/0 outcomes, McNemar's exact test. Seeded, so it is reproducible.
 */
export function pairedComparison(
  baseline: readonly TaskOutcome[],
  candidate: readonly TaskOutcome[],
  options: PairedComparisonOptions = {},
): PairedComparison {
  const { resamples, confidence, seed } = checkOptions(options);
  const base = new Map<string, number>();
  for (const o of baseline) base.set(o.taskId, toNumber(o.value));
  const cand = new Map<string, number>();
  for (const o of candidate) cand.set(o.taskId, toNumber(o.value));
  const baselineOnly = [...base.keys()].filter((id) => !cand.has(id));
  const candidateOnly = [...cand.keys()].filter((id) => !base.has(id));
  if (options.unmatched === 'error' && baselineOnly.length + candidateOnly.length > 0) {
    throw new LAM_EvalInputError({
      input: 'pairedComparison',
      problem: `${baselineOnly.length} tasks only in the baseline and ${candidateOnly.length} only in the candidate (e.g. ${[...baselineOnly, ...candidateOnly].slice(0, 3).join(', ')})`,
      fix: "Run both systems on the same tasks, or pass unmatched: 'ignore' to compare the common ones.",
    });
  }
  const a: number[] = [];
  const b: number[] = [];
  for (const [id, v] of base) {
    const w = cand.get(id);
    if (w !== undefined) {
      a.push(v);
      b.push(w);
    }
  }
  const diffs = b.map((v, i) => v - a[i]!);
  const difference = bootstrapInterval(diffs, { resamples, confidence, seed });
  const wins = diffs.filter((d) => d > 0).length;
  const losses = diffs.filter((d) => d < 0).length;
  // Sign-flip permutation test: under no difference each paired difference is as likely negated.
  const observed = Math.abs(mean(diffs));
  const random = seededRandom(seed + 1);
  let extreme = 0;
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (const d of diffs) s += random() < 0.5 ? -d : d;
    if (Math.abs(diffs.length === 0 ? 0 : s / diffs.length) >= observed - 1e-12) extreme++;
  }
  const result: PairedComparison = {
    n: diffs.length,
    baselineMean: mean(a),
    candidateMean: mean(b),
    difference,
    wins,
    losses,
    ties: diffs.length - wins - losses,
    pValue: (extreme + 1) / (resamples + 1),
    unmatched: { baselineOnly, candidateOnly },
  };
  const binary = [...a, ...b].every((v) => v === 0 || v === 1);
  if (binary && diffs.length > 0) result.mcnemarPValue = binomialTwoSided(wins, wins + losses);
  return result;
}
