import { formatActionCall, type OnlineEvalRecord, type Rect, type Trajectory } from '@lam/schema';
import type { DecisionMetrics } from '../metrics/decision-metrics';
import type { Mind2WebMetrics } from '../metrics/mind2web';
import { type OnlineMetrics, onlineMetrics, onlineRunFromRecord } from '../metrics/online-metrics';
import type { PlanningMetrics } from '../metrics/planning-metrics';
import type { GroundingMetrics } from '../metrics/screenspot';
import { type PhaseTiming, type StepPhase, stepTimingSummary } from '../metrics/step-timings';
import {
  bootstrapInterval,
  type Interval,
  type PairedComparison,
  pairedComparison,
} from '../stats/bootstrap';

/** One system's figures, as given to {@link buildReport}. */
export interface SystemInput {
  name: string;
  /** Table 2 (per-task records are dropped from the report). */
  planning?: Omit<PlanningMetrics, 'records'> & { records?: unknown };
  /** Table 3 (the per-task list is dropped from the report). */
  offline?: Omit<DecisionMetrics, 'perTask'> & { perTask?: unknown };
  /** Table 4; computed from `results` when absent. */
  online?: OnlineMetrics;
  mind2web?: Mind2WebMetrics;
  grounding?: GroundingMetrics;
  /** The harness's results for this system (e.g. `runSuite(...).results` or `loadRun(dir).results`). */
  results?: readonly OnlineEvalRecord[];
  /** Their trajectories, for the per-task step lists and screenshots. */
  trajectories?: readonly Trajectory[];
  /**
   * Whether `results` were judged (default true). False for runs with no checker or judge (a single
   * `lam run`): the report then shows the task success rate as "not judged" instead of 0%.
   */
  judged?: boolean;
}

/** A step as the report shows it. */
export interface ReportStep {
  index: number;
  thought: string;
  /** The call, e.g. `click_input(button='left')`, or `(no action)`. */
  action: string;
  status: string;
  control?: { name: string; type: string; rect?: Rect };
  ok?: boolean;
  error?: string;
  /** The screenshot the acted-on control is marked on (before the action when recorded). */
  screenshot?: { path: string; width?: number; height?: number };
  modelMs?: number;
  envMs?: number;
}

/** A task run as the report shows it. */
export interface ReportTask {
  system: string;
  taskId: string;
  request: string;
  success: boolean;
  verdict: string;
  status: string;
  decidedBy?: string;
  reason?: string;
  error?: string;
  completionMs: number;
  steps: ReportStep[];
}

/** One system's figures in a report. */
export interface ReportSystem {
  name: string;
  planning?: Omit<PlanningMetrics, 'records'>;
  offline?: Omit<DecisionMetrics, 'perTask'>;
  online?: OnlineMetrics;
  mind2web?: Mind2WebMetrics;
  grounding?: GroundingMetrics;
  /** Bootstrap interval of the online task success rate, when results were given. */
  successInterval?: Interval;
  /** False when the results were not judged: the success rate and its interval mean nothing. */
  judged?: false;
  /** Median and p95 of each part of a step's time, from the trajectories' step timings. */
  stepTimings?: Partial<Record<StepPhase, PhaseTiming>>;
}

/** The data of a report: every renderer (JSON, Markdown, HTML) reads this. */
export interface EvalReport {
  title: string;
  createdAt: string;
  systems: ReportSystem[];
  /** Each system against the first on the tasks both ran (task success, paired). */
  comparisons: { baseline: string; candidate: string; comparison: PairedComparison }[];
  tasks: ReportTask[];
}

/** Options of {@link buildReport}. */
export interface BuildReportOptions {
  title?: string;
  systems: readonly SystemInput[];
  /** Resamples of the bootstrap intervals and comparisons (default 2,000; seeded). */
  resamples?: number;
  seed?: number;
  /** The report's time (default now); fix it for reproducible files. */
  createdAt?: string;
}

function reportStep(step: Trajectory['steps'][number]): ReportStep {
  const d = step.decision;
  const out: ReportStep = {
    index: step.index,
    thought: d.thought,
    action: d.function === '' ? '(no action)' : formatActionCall({ function: d.function, args: d.args }),
    status: d.status,
  };
  if (step.control) {
    out.control = { name: step.control.name, type: step.control.type };
    if (step.control.rect !== undefined) out.control.rect = step.control.rect;
  }
  if (step.result !== undefined) {
    out.ok = step.result.ok;
    if (step.result.error !== undefined) out.error = step.result.error;
  }
  const shot =
    step.screenshots?.before ??
    step.screenshots?.annotated ??
    step.observation?.screenshot ??
    step.screenshots?.after;
  if (shot !== undefined) {
    out.screenshot = { path: shot.path };
    if (shot.width !== undefined) out.screenshot.width = shot.width;
    if (shot.height !== undefined) out.screenshot.height = shot.height;
  }
  if (step.timings.modelMs !== undefined) out.modelMs = step.timings.modelMs;
  if (step.timings.envMs !== undefined) out.envMs = step.timings.envMs;
  return out;
}

/**
 * Gathers the figures of one or more systems, their per-task runs and trajectories, bootstrap
 * intervals of task success and paired comparisons against the first system, into one
 * {@link EvalReport} for `toJson`, `toMarkdown` and `toHtml`.
 */
export function buildReport(options: BuildReportOptions): EvalReport {
  const resamples = options.resamples ?? 2000;
  const seed = options.seed ?? 1;
  const systems: ReportSystem[] = [];
  const tasks: ReportTask[] = [];
  for (const input of options.systems) {
    const system: ReportSystem = { name: input.name };
    if (input.planning) {
      const { records: _r, ...planning } = input.planning;
      system.planning = planning;
    }
    if (input.offline) {
      const { perTask: _p, ...offline } = input.offline;
      system.offline = offline;
    }
    if (input.mind2web) system.mind2web = input.mind2web;
    if (input.grounding) system.grounding = input.grounding;
    const byTrajectory = new Map((input.trajectories ?? []).map((t) => [t.id, t]));
    const timings = stepTimingSummary(input.trajectories ?? []);
    if (Object.keys(timings).length > 0) system.stepTimings = timings;
    if (input.results !== undefined) {
      const runs = input.results.map((r) => {
        const t = r.trajectoryId === undefined ? undefined : byTrajectory.get(r.trajectoryId);
        return onlineRunFromRecord(r, t);
      });
      system.online = input.online ?? onlineMetrics(runs);
      if (input.judged === false) system.judged = false;
      system.successInterval = bootstrapInterval(
        input.results.map((r) => Number(r.success)),
        { resamples, seed },
      );
      for (const r of input.results) {
        const t = r.trajectoryId === undefined ? undefined : byTrajectory.get(r.trajectoryId);
        const task: ReportTask = {
          system: input.name,
          taskId: r.taskId,
          request: r.request,
          success: r.success,
          verdict: r.verdict,
          status: r.status,
          completionMs: r.completionMs,
          steps: (t?.steps ?? []).map(reportStep),
        };
        if (r.judge !== undefined) task.decidedBy = r.judge;
        const reason = r.metadata?.reason;
        if (typeof reason === 'string') task.reason = reason;
        if (r.error !== undefined) task.error = r.error;
        tasks.push(task);
      }
    } else if (input.online) {
      system.online = input.online;
    }
    systems.push(system);
  }
  const comparisons: EvalReport['comparisons'] = [];
  const withResults = options.systems.filter((s) => s.results !== undefined);
  const baseline = withResults[0];
  for (const candidate of withResults.slice(1)) {
    const outcome = (s: SystemInput) => s.results!.map((r) => ({ taskId: r.taskId, value: r.success }));
    comparisons.push({
      baseline: baseline!.name,
      candidate: candidate.name,
      comparison: pairedComparison(outcome(baseline!), outcome(candidate), { resamples, seed }),
    });
  }
  return {
    title: options.title ?? 'Evaluation report',
    createdAt: options.createdAt ?? new Date().toISOString(),
    systems,
    comparisons,
    tasks,
  };
}

/** The report as pretty-printed JSON. */
export function toJson(report: EvalReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
