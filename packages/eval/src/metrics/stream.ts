import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { OfflineStepEvalRecord, readJsonl, TrajectoryLogRecord, type TrajectoryStatus } from '@lam/schema';
import { LAM_EvalInputError } from '../errors';
import {
  type DecisionMetrics,
  DecisionMetricsAccumulator,
  type DecisionMetricsOptions,
} from './decision-metrics';
import { decodeLogRecord, emptyEntries, type LogEntries, readLogEntriesInParallel } from './log-entries';
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
   * Threads that parse the file when `validate` is false (default: one per core, at most 4, for files
   * of 32 MiB or more; 0 for smaller ones). 0 parses in this thread.
   */
  workers?: number;
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

function shapeError(file: string, line: number, what: string): LAM_EvalInputError {
  return new LAM_EvalInputError({
    input: `${file}:${line}`,
    problem: `not a trajectory log record (${what})`,
    fix: 'Give a JSONL file of @lam/schema TrajectoryLogRecord lines (trajectory-start, step, trajectory-end), as the agent and the harness write them.',
  });
}

/** Files from this size on are parsed in worker threads by default. */
const PARALLEL_FROM_BYTES = 32 * 2 ** 20;

/**
 * Streams a trajectory log (JSONL of `TrajectoryLogRecord`) and computes the online metrics of the
 * trajectories in it, in memory that grows with the trajectories open at once, not with the file.
 * Completion time runs from the start record to the end record. Without validation, large files are
 * parsed in worker threads (`workers`).
 */
export async function summarizeTrajectoryLog(
  file: string,
  options: TrajectoryLogOptions = {},
): Promise<TrajectoryLogSummary> {
  const validate = options.validate ?? true;
  const summary = new TrajectoryLogAccumulator(options);
  const workers = validate
    ? 0
    : (options.workers ??
      ((await stat(file)).size >= PARALLEL_FROM_BYTES ? Math.min(4, availableParallelism()) : 0));
  if (workers > 0) {
    await readLogEntriesInParallel(
      file,
      workers,
      (entries) => summary.add(entries),
      (bad) => shapeError(file, bad.line, bad.problem),
    );
    return summary.result();
  }
  const reader = validate
    ? readJsonl(file, { schema: TrajectoryLogRecord, record: 'TrajectoryLogRecord' })
    : readJsonl(file);
  for await (const batch of reader.batches()) {
    const entries = emptyEntries();
    for (const { line, value } of batch) {
      const problem = decodeLogRecord(value, entries);
      if (problem !== undefined) throw shapeError(file, line, problem);
    }
    summary.add(entries);
  }
  return summary.result();
}

/** Folds decoded log records, in file order, into the summary. */
class TrajectoryLogAccumulator {
  private readonly open = new Map<string, Open>();
  private readonly online: OnlineMetricsAccumulator;
  private readonly statuses: TrajectoryLogSummary['statuses'] = {};
  private steps = 0;
  private trajectories = 0;
  // Steps of a trajectory mostly come in a row: keep the last one at hand instead of a lookup per step.
  private lastId: string | undefined;
  private last: Open | undefined;

  constructor(private readonly options: TrajectoryLogOptions) {
    const averageOver = options.averageOver;
    this.online = new OnlineMetricsAccumulator(averageOver === undefined ? {} : { averageOver });
  }

  add({ kinds, ids, texts, numbers, names }: LogEntries): void {
    for (let i = 0; i < kinds.length; i++) {
      const id = names[ids[i]!]!;
      const n = 4 * i;
      if (kinds[i] === 1) {
        this.steps++;
        let t = id === this.lastId ? this.last : this.open.get(id);
        if (t === undefined) {
          t = { startedAt: Number.NaN, steps: 0 };
          this.open.set(id, t);
        }
        this.lastId = id;
        this.last = t;
        t.steps++;
        const [modelMs, envMs, inputTokens, outputTokens] = [
          numbers[n]!,
          numbers[n + 1]!,
          numbers[n + 2]!,
          numbers[n + 3]!,
        ];
        if (!Number.isNaN(modelMs)) t.modelMs = (t.modelMs ?? 0) + modelMs;
        if (!Number.isNaN(envMs)) t.envMs = (t.envMs ?? 0) + envMs;
        if (!Number.isNaN(inputTokens)) t.inputTokens = (t.inputTokens ?? 0) + inputTokens;
        if (!Number.isNaN(outputTokens)) t.outputTokens = (t.outputTokens ?? 0) + outputTokens;
      } else if (kinds[i] === 0) {
        this.trajectories++;
        const t: Open = { startedAt: numbers[n]!, steps: 0 };
        if (texts[i]! >= 0) t.taskId = names[texts[i]!]!;
        this.open.set(id, t);
        this.lastId = undefined;
        this.last = undefined;
      } else {
        this.end(id, names[texts[i]!] as TrajectoryStatus, numbers[n]!);
      }
    }
  }

  private end(trajectoryId: string, status: TrajectoryStatus, finishedAt: number): void {
    const t = this.open.get(trajectoryId) ?? { startedAt: Number.NaN, steps: 0 };
    this.open.delete(trajectoryId);
    this.lastId = undefined;
    this.last = undefined;
    this.statuses[status] = (this.statuses[status] ?? 0) + 1;
    const end = { trajectoryId, status, ...(t.taskId ? { taskId: t.taskId } : {}) };
    const elapsed = finishedAt - t.startedAt;
    const run: OnlineTaskRun = {
      taskId: t.taskId ?? trajectoryId,
      success: this.options.success ? this.options.success(end) : status === 'finished',
      completionSeconds: Number.isFinite(elapsed) ? Math.max(0, elapsed) / 1000 : 0,
      steps: t.steps,
    };
    if (t.modelMs !== undefined) run.modelSeconds = t.modelMs / 1000;
    if (t.envMs !== undefined) run.environmentSeconds = t.envMs / 1000;
    if (t.inputTokens !== undefined) run.inputTokens = t.inputTokens;
    if (t.outputTokens !== undefined) run.outputTokens = t.outputTokens;
    this.online.add(run);
  }

  result(): TrajectoryLogSummary {
    return {
      online: this.online.result(),
      trajectories: this.trajectories,
      unfinished: this.open.size,
      steps: this.steps,
      statuses: this.statuses,
    };
  }
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
