import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  DataflowRecord,
  instantiatedTaskFromRecord,
  LamError,
  openJsonlWriter,
  readJsonl,
  TrajectoryLogRecord,
} from '@lam/schema';
import { recordedIds } from '../instantiate/run';
import { type WorkbenchOptions, WriterWorkbench } from '../live/workbench';
import { replayPlan } from './replay';

/** Progress of an execution run, after each task. */
export interface ExecutionProgress {
  done: number;
  total: number;
  taskId: string;
  succeeded: number;
  failed: number;
}

/** Options of {@link runExecution}. */
export interface RunExecutionOptions {
  /** JSONL files of instantiation records (`DataflowRecord`, from `runInstantiation` or imported from UFO). */
  inputs: readonly string[];
  /** The JSONL file of execution records to append to (one per task). */
  out: string;
  /** The trajectory log (`TrajectoryLogRecord` lines: start, one per step, end), appended and flushed per step. */
  trajectories: string;
  /** Where each task's document is put and saved (`<documentsDir>/<task id>.fodt`). */
  documentsDir: string;
  /** Where screenshots go (`<screenshotsDir>/<task id>/step-<n>.png`, `final.png`); `null`: none. */
  screenshotsDir?: string | null;
  /** Name-similarity threshold (0..100) for grounding a step's control text (default 80). */
  threshold?: number;
  /** Execute at most this many tasks in this run. */
  maxTasks?: number;
  /** A running workbench to share; one is started (and stopped) otherwise. */
  workbench?: WriterWorkbench;
  workbenchOptions?: Partial<WorkbenchOptions>;
  /** Called after each task; default a line on stderr every 5 tasks. `null`: silent. */
  onProgress?: ((p: ExecutionProgress) => void) | null;
  fsync?: boolean;
}

/** What an execution run did. */
export interface ExecutionSummary {
  out: string;
  trajectories: string;
  /** Instantiated tasks (judge true, with a plan) in the inputs. */
  tasks: number;
  skipped: number;
  attempted: number;
  succeeded: number;
  failed: number;
  /** Failures by kind: the function of the failed step and why (`click_input: no control`, ...). */
  reasons: Record<string, number>;
  steps: number;
  /** Time spent opening documents (copy + reload or start) and replaying, in seconds. */
  openSeconds: number;
  replaySeconds: number;
  seconds: number;
  total: number;
  totalSucceeded: number;
}

const round = (s: number) => Math.round(s * 1000) / 1000;

function failureKind(message: string, fn: string): string {
  const m = message.toLowerCase();
  const why = /not found|no control|reaches the threshold|unresolved/.test(m)
    ? 'no matching control'
    : /ambiguous/.test(m)
      ? 'ambiguous control'
      : /not on screen/.test(m)
        ? 'control off screen'
        : /timed out|timeout/.test(m)
          ? 'timeout'
          : /gone|exited|not on the accessibility bus/.test(m)
            ? 'LibreOffice gone'
            : 'action error';
  return `${fn || 'step'}: ${why}`;
}

/**
 * Stage 4 of the pipeline, execution (paper §3.2.2): replays every instantiated task in LibreOffice
 * Writer. One LibreOffice serves many tasks (each task's template copy is reloaded into it); each
 * step is appended to the trajectory log as it is done, and each task's execution record (UFO's
 * execution form: plan steps with `Success` and `MatchedControlText`, the error of a failed step)
 * when it ends. Resumable: tasks with an execution record are skipped; a task cut off mid-way runs
 * again under a new trajectory id.
 */
export async function runExecution(options: RunExecutionOptions): Promise<ExecutionSummary> {
  const started = performance.now();
  const records: DataflowRecord[] = [];
  const seen = new Set<string>();
  for (const input of options.inputs) {
    if (!existsSync(input)) continue;
    for await (const r of readJsonl(input, { schema: DataflowRecord, record: 'DataflowRecord' })) {
      if (seen.has(r.uniqueId)) continue;
      seen.add(r.uniqueId);
      if (r.instantiation.evaluation?.result?.judge === false) continue;
      if (!r.instantiation.prefill?.result?.plan || !r.instantiation.chooseTemplate?.result) continue;
      records.push(r);
    }
  }
  const done = await recordedIds(options.out);
  const attempts = new Map<string, number>();
  if (existsSync(options.trajectories)) {
    for await (const line of readJsonl(options.trajectories, {
      schema: TrajectoryLogRecord,
      skipInvalid: true,
    }))
      if (line.kind === 'trajectory-start' && line.taskId !== undefined)
        attempts.set(line.taskId, (attempts.get(line.taskId) ?? 0) + 1);
  }
  const summary: ExecutionSummary = {
    out: options.out,
    trajectories: options.trajectories,
    tasks: records.length,
    skipped: 0,
    attempted: 0,
    succeeded: 0,
    failed: 0,
    reasons: {},
    steps: 0,
    openSeconds: 0,
    replaySeconds: 0,
    seconds: 0,
    total: done.size,
    totalSucceeded: [...done.values()].filter((r) => r.execution?.error === null).length,
  };
  const report =
    options.onProgress === undefined
      ? (p: ExecutionProgress) => {
          if (p.done % 5 === 0 || p.done === p.total)
            process.stderr.write(
              `execute: ${p.done}/${p.total} tasks, ${p.succeeded} ran to the end, ${p.failed} failed\n`,
            );
        }
      : options.onProgress;
  const ownWorkbench = options.workbench === undefined;
  const workbench =
    options.workbench ??
    new WriterWorkbench({ documentsDir: options.documentsDir, ...options.workbenchOptions });
  const fsync = options.fsync ?? true;
  const out = openJsonlWriter(options.out, {
    schema: DataflowRecord,
    record: 'DataflowRecord',
    fsync,
    tornTail: 'newline',
  });
  const log = openJsonlWriter(options.trajectories, {
    schema: TrajectoryLogRecord,
    record: 'TrajectoryLogRecord',
    fsync,
    tornTail: 'newline',
  });
  const limit = options.maxTasks ?? Number.POSITIVE_INFINITY;
  try {
    for (const [i, record] of records.entries()) {
      if (done.has(record.uniqueId)) {
        summary.skipped++;
        continue;
      }
      if (summary.attempted >= limit) break;
      summary.attempted++;
      const task = instantiatedTaskFromRecord(record);
      const attempt = (attempts.get(task.uniqueId) ?? 0) + 1;
      attempts.set(task.uniqueId, attempt);
      const trajectoryId = `${task.uniqueId}#${attempt}`;
      const taskStarted = performance.now();
      let opened: Awaited<ReturnType<WriterWorkbench['open']>> | undefined;
      let openError: string | undefined;
      try {
        // An alternative attempt opens its document under the task's own name (see runExploration).
        const name =
          typeof record.extra?.documentName === 'string' ? record.extra.documentName : task.uniqueId;
        opened = await workbench.open(task.templatePath as string, name);
      } catch (error) {
        // Something missing (Xvfb, LibreOffice, dbus-next) stops the run: the message says what to install.
        if (LamError.isInstance(error) && error.name === 'LAM_DesktopDependencyError') throw error;
        openError = `the template could not be opened in LibreOffice: ${error instanceof Error ? error.message : String(error)}`;
        await workbench.discard();
      }
      summary.openSeconds += opened === undefined ? 0 : opened.ms / 1000;
      log.append({
        kind: 'trajectory-start',
        trajectoryId,
        taskId: task.uniqueId,
        request: task.request,
        application: 'soffice-writer',
        model: { id: 'dataflow-replay', engine: 'replay' },
        startedAt: new Date().toISOString(),
        metadata: {
          template: task.templatePath,
          ...(opened === undefined ? {} : { document: opened.path, opened: opened.how }),
          ...(record.extra?.evolvedFrom === undefined ? {} : { evolvedFrom: record.extra.evolvedFrom }),
          ...(record.extra?.composedWith === undefined ? {} : { composedWith: record.extra.composedWith }),
          ...(record.extra?.variantOf === undefined ? {} : { variantOf: record.extra.variantOf }),
          ...(record.extra?.alternativeOf === undefined
            ? {}
            : { alternativeOf: record.extra.alternativeOf, divergesAt: record.extra.divergesAt ?? null }),
        },
      });
      let result: Awaited<ReturnType<typeof replayPlan>> | undefined;
      let crash: string | undefined = openError;
      if (opened !== undefined) {
        try {
          result = await replayPlan(opened.environment, task.plan, {
            threshold: options.threshold ?? 80,
            ...(options.screenshotsDir === null
              ? {}
              : {
                  screenshotsDir: join(
                    options.screenshotsDir ?? join(options.documentsDir, '..', 'screenshots'),
                    task.uniqueId,
                  ),
                }),
            onStep: (step) => log.append({ kind: 'step', trajectoryId, step }),
          });
          summary.replaySeconds += result.ms / 1000;
        } catch (error) {
          crash = `LibreOffice failed during the replay: ${error instanceof Error ? error.message : String(error)}`;
          await workbench.discard();
        }
      }
      const ok = result?.ok === true;
      const message = result?.error?.message ?? crash ?? '';
      summary.steps += result?.steps.length ?? 0;
      if (ok) {
        summary.succeeded++;
        summary.totalSucceeded++;
      } else {
        summary.failed++;
        const failedStep = result?.error === undefined ? undefined : task.plan[result.error.step - 1];
        const kind =
          crash !== undefined
            ? 'LibreOffice: crashed or gone'
            : failureKind(message, failedStep?.function ?? '');
        summary.reasons[kind] = (summary.reasons[kind] ?? 0) + 1;
      }
      log.append({
        kind: 'trajectory-end',
        trajectoryId,
        status: ok ? 'finished' : 'failed',
        ...(ok ? {} : { reason: message }),
        finishedAt: new Date().toISOString(),
      });
      const seconds = (performance.now() - taskStarted) / 1000;
      out.append({
        ...record,
        execution: {
          result: null,
          error: ok
            ? null
            : { type: crash !== undefined ? 'EnvironmentError' : 'StepFailed', message, traceback: '' },
          extra: {
            trajectoryId,
            ...(opened === undefined
              ? {}
              : { document: opened.path, opened: opened.how, openSeconds: round(opened.ms / 1000) }),
          },
        },
        instantiation: {
          ...record.instantiation,
          prefill: {
            ...record.instantiation.prefill,
            result: { request: task.request, plan: result?.plan ?? task.plan },
            error: null,
          },
        },
        timeCost: { ...record.timeCost, execute: round(seconds), executeEval: null },
      });
      report?.({
        done: i + 1,
        total: records.length,
        taskId: task.uniqueId,
        succeeded: summary.succeeded,
        failed: summary.failed,
      });
    }
  } finally {
    out.close();
    log.close();
    if (ownWorkbench) await workbench.close();
  }
  summary.total = summary.total + summary.attempted;
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}
