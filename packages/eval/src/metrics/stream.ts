import { OfflineStepEvalRecord, readJsonl, TrajectoryLogRecord, type TrajectoryStatus } from '@lam/schema';
import { LAM_EvalInputError } from '../errors';
import {
  type DecisionMetrics,
  DecisionMetricsAccumulator,
  type DecisionMetricsOptions,
} from './decision-metrics';
import {
  type OnlineMetrics,
  OnlineMetricsAccumulator,
  type OnlineMetricsOptions,
  type OnlineTaskRun,
} from './online-metrics';

/** Options of {@link summarizeTrajectoryLog}. */
export interface TrajectoryLogOptions extends OnlineMetricsOptions {
  /**
   * Validate every line against @lam/schema's `TrajectoryLogRecord` (default true). Off, lines are
   * only checked for the fields the metrics read, which is several times faster on large logs.
   */
  validate?: boolean;
  /**
   * Whether an ended trajectory is a success. Default: it ended with status `finished`. Pass a
   * lookup into your evaluation records (checker or judge verdicts) for the paper's success rate.
   */
  success?: (end: { trajectoryId: string; taskId?: string; status: TrajectoryStatus }) => boolean;
}

/** What a trajectory log holds, in aggregate. */
export interface TrajectoryLogSummary {
  /** Table 4 over the ended trajectories, with model/environment time and tokens from the steps. */
  online: OnlineMetrics;
  trajectories: number;
  /** Trajectories with a start but no end (the writer stopped). */
  unfinished: number;
  steps: number;
  /** How the ended trajectories ended. */
  statuses: Partial<Record<TrajectoryStatus, number>>;
}

interface Open {
  taskId?: string;
  startedAt: number;
  steps: number;
  modelMs?: number;
  envMs?: number;
  inputTokens?: number;
  outputTokens?: number;
}

type LogLine =
  | { kind: 'trajectory-start'; trajectoryId: string; taskId?: string; startedAt: string }
  | {
      kind: 'step';
      trajectoryId: string;
      step: {
        timings?: { modelMs?: number; envMs?: number };
        usage?: { inputTokens: number; outputTokens: number };
      };
    }
  | { kind: 'trajectory-end'; trajectoryId: string; status: TrajectoryStatus; finishedAt: string };

function shapeError(file: string, line: number, what: string): LAM_EvalInputError {
  return new LAM_EvalInputError({
    input: `${file}:${line}`,
    problem: `not a trajectory log record (${what})`,
    fix: 'Give a JSONL file of @lam/schema TrajectoryLogRecord lines (trajectory-start, step, trajectory-end), as the agent and the harness write them.',
  });
}

/**
 * Streams a trajectory log (JSONL of `TrajectoryLogRecord`) and computes the online metrics of the
 * trajectories in it, in memory that grows with the trajectories open at once, not with the file.
 * Completion time runs from the start record to the end record.
 */
export async function summarizeTrajectoryLog(
  file: string,
  options: TrajectoryLogOptions = {},
): Promise<TrajectoryLogSummary> {
  const validate = options.validate ?? true;
  const reader = validate
    ? readJsonl(file, { schema: TrajectoryLogRecord, record: 'TrajectoryLogRecord' })
    : readJsonl(file);
  const open = new Map<string, Open>();
  const averageOver = options.averageOver;
  const online = new OnlineMetricsAccumulator(averageOver === undefined ? {} : { averageOver });
  const statuses: TrajectoryLogSummary['statuses'] = {};
  let steps = 0;
  let trajectories = 0;
  // Steps of a trajectory mostly come in a row: keep the last one at hand instead of a lookup per step.
  let lastId: string | undefined;
  let last: Open | undefined;
  for await (const batch of reader.batches())
    for (const { line, value } of batch) {
      const r = value as LogLine;
      if (typeof r !== 'object' || r === null || typeof r.trajectoryId !== 'string')
        throw shapeError(file, line, 'no trajectoryId');
      if (r.kind === 'step') {
        steps++;
        let t = r.trajectoryId === lastId ? last : open.get(r.trajectoryId);
        if (t === undefined) {
          t = { startedAt: Number.NaN, steps: 0 };
          open.set(r.trajectoryId, t);
        }
        lastId = r.trajectoryId;
        last = t;
        t.steps++;
        const step = r.step;
        if (step === undefined || step === null) continue;
        const timings = step.timings;
        if (timings !== undefined && timings !== null) {
          if (timings.modelMs !== undefined) t.modelMs = (t.modelMs ?? 0) + timings.modelMs;
          if (timings.envMs !== undefined) t.envMs = (t.envMs ?? 0) + timings.envMs;
        }
        const usage = step.usage;
        if (usage !== undefined) {
          t.inputTokens = (t.inputTokens ?? 0) + usage.inputTokens;
          t.outputTokens = (t.outputTokens ?? 0) + usage.outputTokens;
        }
      } else if (r.kind === 'trajectory-start') {
        trajectories++;
        const t: Open = { startedAt: Date.parse(r.startedAt), steps: 0 };
        if (r.taskId !== undefined) t.taskId = r.taskId;
        open.set(r.trajectoryId, t);
        lastId = undefined;
        last = undefined;
      } else if (r.kind === 'trajectory-end') {
        const t = open.get(r.trajectoryId) ?? { startedAt: Number.NaN, steps: 0 };
        open.delete(r.trajectoryId);
        lastId = undefined;
        last = undefined;
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        const end = {
          trajectoryId: r.trajectoryId,
          status: r.status,
          ...(t.taskId ? { taskId: t.taskId } : {}),
        };
        const elapsed = Date.parse(r.finishedAt) - t.startedAt;
        const run: OnlineTaskRun = {
          taskId: t.taskId ?? r.trajectoryId,
          success: options.success ? options.success(end) : r.status === 'finished',
          completionSeconds: Number.isFinite(elapsed) ? Math.max(0, elapsed) / 1000 : 0,
          steps: t.steps,
        };
        if (t.modelMs !== undefined) run.modelSeconds = t.modelMs / 1000;
        if (t.envMs !== undefined) run.environmentSeconds = t.envMs / 1000;
        if (t.inputTokens !== undefined) run.inputTokens = t.inputTokens;
        if (t.outputTokens !== undefined) run.outputTokens = t.outputTokens;
        online.add(run);
      } else {
        throw shapeError(file, line, `unknown kind ${JSON.stringify((r as { kind?: unknown }).kind)}`);
      }
    }
  return {
    online: online.result(),
    trajectories,
    unfinished: open.size,
    steps,
    statuses,
  };
}

/** Options of {@link decisionMetricsFromJsonl}. */
export interface DecisionMetricsFromJsonlOptions extends DecisionMetricsOptions {
  /** Validate each line as @lam/schema's `OfflineStepEvalRecord` (default false: only the fields read are checked). */
  validate?: boolean;
  /** Steps of a task are on consecutive lines (default true), which keeps memory flat. */
  grouped?: boolean;
  /** Keep the per-task list (default false for files). */
  keepPerTask?: boolean;
}

/**
 * Streams a JSONL file of scored steps (`{taskId, expected, predicted, acceptableControls?}`, the
 * shape of `OfflineStepEvalRecord`; `predicted: null` for a missing prediction) and computes the
 * Table 3 metrics, rescoring each step with `options`.
 */
export async function decisionMetricsFromJsonl(
  file: string,
  options: DecisionMetricsFromJsonlOptions = {},
): Promise<DecisionMetrics> {
  const reader = options.validate
    ? readJsonl(file, { schema: OfflineStepEvalRecord, record: 'OfflineStepEvalRecord' })
    : readJsonl(file);
  const accumulator = new DecisionMetricsAccumulator({
    ...options,
    grouped: options.grouped ?? true,
    keepPerTask: options.keepPerTask ?? false,
  });
  for await (const batch of reader.batches())
    for (const { line, value } of batch) {
      const r = value as {
        taskId?: unknown;
        expected?: OfflineStepEvalRecord['expected'];
        predicted?: OfflineStepEvalRecord['predicted'];
        acceptableControls?: string[];
      };
      if (typeof r?.taskId !== 'string' || typeof r.expected !== 'object' || r.predicted === undefined) {
        throw new LAM_EvalInputError({
          input: `${file}:${line}`,
          problem: 'not a scored step (taskId, expected and predicted are required)',
          fix: 'Write one {taskId, expected, predicted} object per line (predicted: null when the model gave none).',
        });
      }
      const step = { expected: r.expected, predicted: r.predicted ?? null };
      accumulator.add(
        r.taskId,
        r.acceptableControls === undefined ? step : { ...step, acceptableObjects: r.acceptableControls },
      );
    }
  return accumulator.result();
}
