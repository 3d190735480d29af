import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  collectTrajectories,
  type JsonlWriter,
  type Metadata,
  type ModelInfo,
  OnlineEvalRecord,
  openJsonlWriter,
  readJsonl,
  readJsonlAll,
  Step,
  type StepInput,
  type Trajectory,
  TrajectoryLogRecord,
  type TrajectoryStatus,
  truncateTornLine,
  validate,
} from '@lam/schema';
import type { z } from 'zod';
import { type CheckResult, createChecker } from '../checkers/checkers';
import type { StateReader } from '../checkers/state';
import { LAM_EvalInputError, LAM_StepLimitError } from '../errors';
import { decideOutcome, type EvidencePolicy, type Outcome } from '../judges/evidence';
import type { ExecutionJudge, JudgeVerdict } from '../judges/execution-judge';
import {
  type OnlineMetrics,
  type OnlineTaskRun,
  onlineMetrics,
  trajectoryTotals,
} from '../metrics/online-metrics';
import { defineTaskSuite, loadTaskSuite, type TaskSpec, type TaskSuite } from './task-suite';

/** A task's environment, opened in its start state by an {@link EnvironmentProvider}. */
export interface TaskEnvironment<E> {
  /** What the agent runner acts in (a `@lam/grounding` Environment, or anything the runner takes). */
  environment: E;
  /** Reads the final state for the task's checker. Required for tasks with a checker. */
  state?: StateReader;
  /** Called after the task is checked, whatever happened. */
  close?(): Promise<void>;
}

/**
 * Opens an environment for a task in its start state. `slot` (0..concurrency-1) says which
 * parallel lane asks, so that a provider can keep one application per lane.
 */
export type EnvironmentProvider<E> = (task: TaskSpec, slot: number) => Promise<TaskEnvironment<E>>;

/** What an agent runner gets for one task. */
export interface AgentRunContext<E> {
  task: TaskSpec;
  environment: E;
  trajectoryId: string;
  /** 1 for the first try of a task, 2 after an interrupted one, ... */
  attempt: number;
  slot: number;
  /**
   * Validates a step, appends it to the trajectory log (flushed), and returns it parsed. Call it
   * after each step. A step beyond `task.maxSteps` is recorded (it has happened), then the run is
   * stopped: the signal aborts and this throws {@link LAM_StepLimitError}.
   */
  recordStep(step: StepInput): Step;
  /** Aborted when the task times out, its step limit is passed, or the suite is stopped. */
  signal: AbortSignal;
}

/** How the agent's run ended. */
export interface AgentRunOutcome {
  status: TrajectoryStatus;
  reason?: string;
}

/**
 * Runs an agent on one task: act in `context.environment`, call `context.recordStep` after each
 * step, and say how it ended. The harness does not know how the agent or its model work. It should
 * stop by itself after `context.task.maxSteps` steps (status `max-steps`): a runner that records
 * more is stopped by the harness and its run is not a success. A runner that throws is recorded as
 * `failed` with the error, and is not a success either (see docs/decisions/0604-harness-step-limit-and-crashes.md).
 */
export type AgentRunner<E> = (context: AgentRunContext<E>) => Promise<AgentRunOutcome>;

/** A progress event of {@link runSuite}. */
export interface ProgressEvent {
  type: 'suite-start' | 'task-start' | 'task-end' | 'suite-end';
  suite: string;
  total: number;
  /** Tasks with a result, resumed ones included. */
  done: number;
  passed: number;
  failed: number;
  /** Tasks whose result came from an earlier, interrupted run. */
  resumed: number;
  running: number;
  taskId?: string;
  result?: OnlineEvalRecord;
}

/** Options of {@link runSuite}. */
export interface RunSuiteOptions<E> {
  /** A suite, or the path of a suite file (see `loadTaskSuite`). */
  suite: TaskSuite | string;
  runner: AgentRunner<E>;
  environments: EnvironmentProvider<E>;
  /** The folder for `trajectories.jsonl` and `results.jsonl`. */
  outDir: string;
  /** Tasks run at once, each in its own environment (default 1). */
  concurrency?: number;
  /** An LLM judge: decides tasks without a checker, and gives a second opinion on the others. */
  judge?: ExecutionJudge;
  evidence?: EvidencePolicy;
  /** Skip tasks that already have a result in `outDir` (default true); false refuses a folder with results. */
  resume?: boolean;
  /** Longest time a task may run (default none); the run is then recorded as `aborted`. */
  taskTimeoutMs?: number;
  /** Recorded with each trajectory and result. */
  model?: ModelInfo;
  /** Identifies this run in the log (default a time-based id). */
  runId?: string;
  onProgress?: (event: ProgressEvent) => void;
  signal?: AbortSignal;
}

/** What {@link runSuite} did. */
export interface SuiteRunResult {
  suite: string;
  /** One result per task, in suite order (resumed ones included). */
  results: OnlineEvalRecord[];
  /** Table 4 over the results, with model/environment time and tokens where recorded. */
  metrics: OnlineMetrics;
  ran: number;
  resumed: number;
  files: { trajectories: string; results: string };
}

function prepare(file: string): void {
  if (!existsSync(file) || statSync(file).size === 0) return;
  truncateTornLine(file);
}

async function previousRun(files: SuiteRunResult['files']) {
  const results = new Map<string, OnlineEvalRecord>();
  const attempts = new Map<string, number>();
  if (existsSync(files.results)) {
    const reader = readJsonl(files.results, { schema: OnlineEvalRecord, record: 'OnlineEvalRecord' });
    for await (const r of reader) results.set(r.taskId, r);
  }
  if (existsSync(files.trajectories)) {
    for await (const r of readJsonl(files.trajectories, { schema: TrajectoryLogRecord })) {
      if (r.kind === 'trajectory-start' && r.taskId !== undefined)
        attempts.set(r.taskId, (attempts.get(r.taskId) ?? 0) + 1);
    }
  }
  return { results, attempts };
}

/** The {@link OnlineTaskRun} of a harness result (model/environment time and tokens from its metadata). */
export function onlineRunFromResult(record: OnlineEvalRecord): OnlineTaskRun {
  const run: OnlineTaskRun = {
    taskId: record.taskId,
    success: record.success,
    completionSeconds: record.completionMs / 1000,
    steps: record.steps,
  };
  const m = record.metadata ?? {};
  if (typeof m.modelMs === 'number') run.modelSeconds = m.modelMs / 1000;
  if (typeof m.envMs === 'number') run.environmentSeconds = m.envMs / 1000;
  if (typeof m.inputTokens === 'number') run.inputTokens = m.inputTokens;
  if (typeof m.outputTokens === 'number') run.outputTokens = m.outputTokens;
  return run;
}

function screenshotsOf(steps: readonly Step[]) {
  const shots: { caption: string; image: { path: string; mimeType?: string } }[] = [];
  for (const s of steps) {
    const shot = s.screenshots?.selectedControl ?? s.screenshots?.after;
    if (shot !== undefined) {
      const image =
        shot.mimeType === undefined ? { path: shot.path } : { path: shot.path, mimeType: shot.mimeType };
      shots.push({ caption: `Step ${s.index}`, image });
    }
  }
  return shots;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

interface Writers {
  log: JsonlWriter<z.input<typeof TrajectoryLogRecord>>;
  results: JsonlWriter<z.input<typeof OnlineEvalRecord>>;
}

async function runTask<E>(
  task: TaskSpec,
  slot: number,
  attempt: number,
  options: RunSuiteOptions<E>,
  writers: Writers,
  runId: string,
): Promise<OnlineEvalRecord | undefined> {
  const trajectoryId = `${task.id}#${attempt}`;
  const steps: Step[] = [];
  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort);
  let status: TrajectoryStatus = 'failed';
  let reason: string | undefined;
  let error: string | undefined;
  let completionMs = 0;
  let opened: TaskEnvironment<E> | undefined;
  let check: CheckResult | undefined;
  let judged: JudgeVerdict | undefined;
  // Why the harness fails the run whatever its final state: the runner crashed or passed its step limit.
  let failure: string | undefined;
  try {
    opened = await options.environments(task, slot);
    const env = opened;
    writers.log.append({
      kind: 'trajectory-start',
      trajectoryId,
      sessionId: runId,
      taskId: task.id,
      request: task.request,
      ...(task.app === undefined ? {} : { application: task.app }),
      ...(options.model === undefined ? {} : { model: options.model }),
      startedAt: new Date().toISOString(),
      metadata: { attempt, slot },
    });
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<AgentRunOutcome>((resolve) => {
      if (options.taskTimeoutMs === undefined) return;
      timer = setTimeout(() => {
        controller.abort(new Error('task timed out'));
        resolve({ status: 'aborted', reason: `timed out after ${options.taskTimeoutMs} ms` });
      }, options.taskTimeoutMs);
    });
    // Settled when the runner passes its step limit: the harness stops waiting for it then.
    const maxSteps = task.maxSteps;
    let stepLimit: string | undefined;
    let stopAtLimit: (outcome: AgentRunOutcome) => void = () => {};
    const limitReached = new Promise<AgentRunOutcome>((resolve) => {
      stopAtLimit = resolve;
    });
    try {
      const outcome = await Promise.race([
        options.runner({
          task,
          environment: env.environment,
          trajectoryId,
          attempt,
          slot,
          signal: controller.signal,
          recordStep(input) {
            if (controller.signal.aborted) throw new Error('the task has ended; no more steps are recorded');
            const step = validate(Step, input, { record: 'Step' });
            writers.log.append({ kind: 'step', trajectoryId, step });
            steps.push(step);
            if (maxSteps !== undefined && steps.length > maxSteps) {
              const stop = new LAM_StepLimitError({ taskId: task.id, maxSteps });
              stepLimit = `step limit ${maxSteps} reached: the agent recorded step ${steps.length}; the run was stopped`;
              controller.abort(stop);
              stopAtLimit({ status: 'max-steps', reason: stepLimit });
              throw stop;
            }
            return step;
          },
        }),
        timeout,
        limitReached,
      ]);
      status = outcome.status;
      reason = outcome.reason;
    } catch (e) {
      status = controller.signal.aborted ? 'aborted' : 'failed';
      error = `the agent runner threw: ${message(e)}`;
      reason = error;
      failure = error;
    } finally {
      clearTimeout(timer);
      controller.abort(new Error('task ended'));
    }
    if (stepLimit !== undefined) {
      // Whatever the runner did after its limit (returned, threw the limit error, threw another).
      status = 'max-steps';
      reason = stepLimit;
      error = stepLimit;
      failure = stepLimit;
    }
    completionMs = performance.now() - started;
    const stopped = options.signal?.aborted === true;
    if (stopped) {
      status = 'aborted';
      reason = 'the suite was stopped; the task will run again on resume';
    }
    writers.log.append({
      kind: 'trajectory-end',
      trajectoryId,
      status,
      ...(reason === undefined ? {} : { reason }),
      finishedAt: new Date().toISOString(),
    });
    // A stopped suite records no result for the task in flight, so that a resumed run does it again.
    if (stopped) return undefined;
    if (task.checker !== undefined) {
      if (env.state === undefined) {
        error = [
          error,
          `task ${task.id} has a checker but the environment provider gave no state reader; return { environment, state } from it`,
        ]
          .filter(Boolean)
          .join('; ');
      } else {
        try {
          check = await createChecker(task.checker).check(env.state);
        } catch (e) {
          error = [error, `the checker could not read the final state: ${message(e)}`]
            .filter(Boolean)
            .join('; ');
        }
      }
    }
    // A run the harness fails anyway is not sent to the judge (a cost for no decision).
    if (options.judge !== undefined && failure === undefined) {
      try {
        judged = await options.judge.evaluate(
          { request: task.request, steps, screenshots: screenshotsOf(steps) },
          options.signal === undefined ? {} : { signal: options.signal },
        );
      } catch (e) {
        error = [error, `the judge failed: ${message(e)}`].filter(Boolean).join('; ');
      }
    }
  } catch (e) {
    error = `the environment could not be opened: ${message(e)}`;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    if (opened?.close) {
      try {
        await opened.close();
      } catch (e) {
        error = [error, `closing the environment failed: ${message(e)}`].filter(Boolean).join('; ');
      }
    }
  }
  // A run that crashed or passed its step limit is a failure whatever its final state (which a
  // crash mid-way or one step too many may have left right); the checker's result is kept as
  // information. A task with a checker is never decided by the judge alone: a checker that could
  // not run leaves it unsure.
  let outcome: Outcome;
  if (failure !== undefined) {
    const checked =
      check === undefined
        ? ''
        : `; the final state ${check.pass ? 'passes' : 'fails'} the checker (not counted): ${check.reason}`;
    outcome = { verdict: 'no', success: false, decidedBy: 'harness', reason: `${failure}${checked}` };
  } else if (task.checker !== undefined && check === undefined) {
    outcome = { verdict: 'unsure', success: false, decidedBy: 'none', reason: error ?? 'not checked' };
  } else if (check === undefined && judged === undefined) {
    outcome = { verdict: 'unsure', success: false, decidedBy: 'none', reason: error ?? 'not judged' };
  } else {
    outcome = decideOutcome({ check, judge: judged }, options.evidence ?? 'checker');
  }
  const totals = trajectoryTotals({ steps });
  const metadata: Metadata = { attempt, reason: outcome.reason };
  if (totals.modelSeconds !== undefined) metadata.modelMs = totals.modelSeconds * 1000;
  if (totals.environmentSeconds !== undefined) metadata.envMs = totals.environmentSeconds * 1000;
  if (totals.inputTokens !== undefined) metadata.inputTokens = totals.inputTokens;
  if (totals.outputTokens !== undefined) metadata.outputTokens = totals.outputTokens;
  if (check !== undefined) metadata.check = JSON.parse(JSON.stringify(check));
  if (judged !== undefined) {
    metadata.judgeVerdict = judged.verdict;
    metadata.judge = judged.judge;
  }
  if (outcome.agreement !== undefined) metadata.agreement = outcome.agreement;
  const record = writers.results.append({
    taskId: task.id,
    request: task.request,
    trajectoryId,
    ...(options.model === undefined ? {} : { model: options.model }),
    status,
    verdict: outcome.verdict,
    success: outcome.success,
    judge: outcome.decidedBy,
    ...(judged?.evaluation === undefined ? {} : { evaluation: judged.evaluation }),
    completionMs,
    steps: steps.length,
    ...(steps.length === 0 ? {} : { meanStepLatencyMs: completionMs / steps.length }),
    ...(error === undefined ? {} : { error }),
    metadata,
  });
  return record as OnlineEvalRecord;
}

/**
 * Runs a task suite: for each task, opens its environment in the start state, runs the agent
 * (recording every step to `trajectories.jsonl` through @lam/schema's JSONL writer, flushed per
 * line), checks the final state with the task's checker and, when given, asks the judge, then
 * appends the result to `results.jsonl`. Tasks run `concurrency` at a time. Run again on the same
 * `outDir` after an interruption and the tasks with a result are skipped; an interrupted task
 * is run again as attempt 2 (its partial trajectory stays in the log). When `signal` aborts, the
 * tasks in flight are told through their context's signal, their trajectories end `aborted`, and
 * they get no result, so they run again on resume.
 */
export async function runSuite<E>(options: RunSuiteOptions<E>): Promise<SuiteRunResult> {
  const suite =
    typeof options.suite === 'string' ? loadTaskSuite(options.suite) : defineTaskSuite(options.suite);
  const unjudged = suite.tasks.filter((t) => t.checker === undefined).map((t) => t.id);
  if (options.judge === undefined && unjudged.length > 0) {
    throw new LAM_EvalInputError({
      input: `suite ${suite.name}`,
      problem: `${unjudged.length} task(s) have no checker and no judge was given (${unjudged.slice(0, 5).join(', ')})`,
      fix: 'Give each task a checker, or pass a judge (createLlmJudge) to decide tasks without one.',
    });
  }
  const files = {
    trajectories: join(options.outDir, 'trajectories.jsonl'),
    results: join(options.outDir, 'results.jsonl'),
  };
  if (options.resume === false && existsSync(files.results) && statSync(files.results).size > 0) {
    throw new LAM_EvalInputError({
      input: options.outDir,
      problem: 'the folder already holds results of a run',
      fix: 'Pass resume: true to continue that run, or choose a new outDir.',
    });
  }
  prepare(files.trajectories);
  prepare(files.results);
  const previous = await previousRun(files);
  const writers: Writers = {
    log: openJsonlWriter(files.trajectories, { schema: TrajectoryLogRecord, record: 'TrajectoryLogRecord' }),
    results: openJsonlWriter(files.results, { schema: OnlineEvalRecord, record: 'OnlineEvalRecord' }),
  };
  const runId = options.runId ?? `run-${new Date().toISOString()}`;
  const byId = new Map<string, OnlineEvalRecord>();
  for (const t of suite.tasks) {
    const r = previous.results.get(t.id);
    if (r !== undefined) byId.set(t.id, r);
  }
  const resumed = byId.size;
  const todo = suite.tasks.filter((t) => !byId.has(t.id));
  let running = 0;
  const emit = (type: ProgressEvent['type'], extra: Partial<ProgressEvent> = {}) => {
    const results = [...byId.values()];
    options.onProgress?.({
      type,
      suite: suite.name,
      total: suite.tasks.length,
      done: results.length,
      passed: results.filter((r) => r.success).length,
      failed: results.filter((r) => !r.success).length,
      resumed,
      running,
      ...extra,
    });
  };
  emit('suite-start');
  let next = 0;
  const concurrency = Math.max(1, Math.min(options.concurrency ?? 1, todo.length || 1));
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async (_, slot) => {
        while (next < todo.length && options.signal?.aborted !== true) {
          const task = todo[next++]!;
          running++;
          emit('task-start', { taskId: task.id });
          const attempt = (previous.attempts.get(task.id) ?? 0) + 1;
          const result = await runTask(task, slot, attempt, options, writers, runId);
          running--;
          if (result === undefined) continue;
          byId.set(task.id, result);
          emit('task-end', { taskId: task.id, result });
        }
      }),
    );
  } finally {
    writers.log.close();
    writers.results.close();
  }
  emit('suite-end');
  const results = suite.tasks
    .map((t) => byId.get(t.id))
    .filter((r): r is OnlineEvalRecord => r !== undefined);
  return {
    suite: suite.name,
    results,
    metrics: onlineMetrics(results.map(onlineRunFromResult)),
    ran: results.length - resumed,
    resumed,
    files,
  };
}

/** Reads a run folder back: the results and the trajectories (partial ones of interrupted tasks included). */
export async function loadRun(
  outDir: string,
): Promise<{ results: OnlineEvalRecord[]; trajectories: Trajectory[] }> {
  const results = existsSync(join(outDir, 'results.jsonl'))
    ? (await readJsonlAll(join(outDir, 'results.jsonl'), { schema: OnlineEvalRecord, skipInvalid: true }))
        .records
    : [];
  const log = existsSync(join(outDir, 'trajectories.jsonl'))
    ? (
        await readJsonlAll(join(outDir, 'trajectories.jsonl'), {
          schema: TrajectoryLogRecord,
          skipInvalid: true,
        })
      ).records
    : [];
  return { results, trajectories: collectTrajectories(log) };
}
