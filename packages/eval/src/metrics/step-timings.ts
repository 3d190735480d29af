import type { StepTimings, Trajectory } from '@lam/schema';

/** The parts of a step's time, in the order a step spends them, as the trajectory records them. */
export const STEP_PHASES = [
  'observeMs',
  'renderMs',
  'prefillMs',
  'decodeMs',
  'parseMs',
  'resolveMs',
  'executeMs',
  'totalMs',
] as const satisfies readonly (keyof StepTimings)[];
export type StepPhase = (typeof STEP_PHASES)[number];

/** Median and 95th percentile of one part of a step's time over a run's steps, in milliseconds. */
export interface PhaseTiming {
  medianMs: number;
  p95Ms: number;
  /** How many steps recorded this part. */
  steps: number;
}

/** The `q` quantile of numbers (nearest rank: the smallest value with at least q of them at or below it). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/**
 * Median and p95 of each part of the step time (observe, render, prefill, decode, parse, resolve,
 * execute, and the whole step) over every step of the trajectories; a part no step recorded is absent.
 */
export function stepTimingSummary(
  trajectories: readonly Pick<Trajectory, 'steps'>[],
): Partial<Record<StepPhase, PhaseTiming>> {
  const out: Partial<Record<StepPhase, PhaseTiming>> = {};
  for (const phase of STEP_PHASES) {
    const values: number[] = [];
    for (const t of trajectories)
      for (const step of t.steps) {
        const v = step.timings[phase];
        if (v !== undefined) values.push(v);
      }
    if (values.length > 0)
      out[phase] = { medianMs: quantile(values, 0.5), p95Ms: quantile(values, 0.95), steps: values.length };
  }
  return out;
}
