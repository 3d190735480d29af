import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import { LamError, type ObservationSummary, TrajectoryLogRecord } from '@lam/schema';
import { documentFile } from './documents';
import { type GenerateFailure, runGeneratedTask, TaskAbort, type TaskOutcome, taskMetadata } from './execute';
import { exportHeldoutSuite, writeGenerateCard, writeGeneratedTaskPlans } from './export';
import { type GeneratedTask, type GenerateTasksOptions, generateTasks } from './tasks';
import { OfficeWorker, type OfficeWorkerOptions } from './worker';

/** Progress of a generation run, after each task. */
export interface GenerateProgress {
  done: number;
  total: number;
  verified: number;
  failed: number;
  /** Tasks done in this run per minute. */
  perMinute: number;
  /** Seconds left at that rate. */
  etaSeconds: number;
  taskId: string;
  verdict: 'verified' | 'failed';
  failure?: GenerateFailure | undefined;
}

/** Options of {@link runGenerate}. */
export interface RunGenerateOptions extends Omit<GenerateTasksOptions, 'count'> {
  count: number;
  outDir: string;
  /** Parallel workers, each with its own LibreOffice (display and profile); default 1. */
  workers?: number;
  /** A task that takes longer than this is stopped, its LibreOffice restarted, and it is tried once more (default 90 s). */
  taskTimeoutMs?: number;
  /** Stop after this many new tasks in this run (for tests). */
  maxTasks?: number;
  worker?: OfficeWorkerOptions;
  /** Default: a line on stderr every task. `null`: silent. */
  onProgress?: ((p: GenerateProgress) => void) | null;
}

/** What a generation run did. */
export interface GenerateSummary {
  outDir: string;
  total: number;
  /** Tasks that were already done before this run. */
  skipped: number;
  ran: number;
  verified: number;
  failed: number;
  failures: Record<string, number>;
  retries: number;
  seconds: number;
  /** Verified trajectories per minute of this run. */
  verifiedPerMinute: number;
}

/** The files of a generation output folder. */
export function generatePaths(outDir: string) {
  return {
    tasks: join(outDir, 'tasks.jsonl'),
    trajectories: join(outDir, 'trajectories.jsonl'),
    observations: join(outDir, 'observations.jsonl'),
    documents: join(outDir, 'documents'),
    work: join(outDir, '.work'),
  };
}

/**
 * Reads the trajectory log, drops what follows the last complete trajectory (a run killed while
 * writing), and returns the ids of the tasks already done. A task's records are written in one
 * `write`, so a kill leaves at most one torn task, which is truncated here and run again.
 */
function recoverTrajectories(file: string): Set<string> {
  const done = new Set<string>();
  if (!existsSync(file)) return done;
  const buffer = readFileSync(file);
  let offset = 0;
  let good = 0;
  const open = new Map<string, string>();
  while (offset < buffer.length) {
    const nl = buffer.indexOf(10, offset);
    if (nl === -1) break;
    const line = buffer.subarray(offset, nl).toString('utf8');
    offset = nl + 1;
    let record: TrajectoryLogRecord;
    try {
      record = JSON.parse(line) as TrajectoryLogRecord;
    } catch {
      break;
    }
    if (record.kind === 'trajectory-start' && record.taskId !== undefined)
      open.set(record.trajectoryId, record.taskId);
    if (record.kind === 'trajectory-end') {
      const taskId = open.get(record.trajectoryId);
      if (taskId !== undefined) done.add(taskId);
      good = offset;
    }
  }
  if (good < buffer.length) truncateSync(file, good);
  return done;
}

function knownHashes(file: string): Set<string> {
  const hashes = new Set<string>();
  if (!existsSync(file)) return hashes;
  const text = readFileSync(file, 'utf8');
  let end = text.length;
  if (!text.endsWith('\n')) {
    end = text.lastIndexOf('\n') + 1;
    truncateSync(file, Buffer.byteLength(text.slice(0, end)));
  }
  for (const line of text.slice(0, end).split('\n')) {
    const m = /^\{"hash":"([0-9a-f]+)"/.exec(line);
    if (m) hashes.add(m[1] as string);
  }
  return hashes;
}

function appendAll(file: string, lines: readonly string[]): void {
  if (lines.length === 0) return;
  const fd = openSync(file, 'a');
  try {
    const data = Buffer.from(lines.map((l) => `${l}\n`).join(''));
    let at = 0;
    while (at < data.length) at += writeSync(fd, data, at, data.length - at);
  } finally {
    closeSync(fd);
  }
}

const withTimeout = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
  new Promise<T>((res, rej) => {
    const timer = setTimeout(
      () => rej(new TaskAbort('timeout', `${what} took more than ${Math.round(ms / 1000)} s`)),
      ms,
    );
    p.then(
      (v) => {
        clearTimeout(timer);
        res(v);
      },
      (e) => {
        clearTimeout(timer);
        rej(e);
      },
    );
  });

/**
 * `lam dataflow generate`: draws the seeded task list, writes `tasks.jsonl` and the start documents,
 * and executes every task not yet done in real LibreOffice with `workers` workers. Each finished
 * task's trajectory (start record with split and verdict, steps, end) is appended to
 * `trajectories.jsonl` in one write, flushed, with new observations in `observations.jsonl` (by content
 * hash) first. A hung or crashed LibreOffice is restarted and the task retried once. Resumable after a
 * kill: done tasks are skipped, a half-written one is cut off and run again.
 */
export async function runGenerate(options: RunGenerateOptions): Promise<GenerateSummary> {
  const started = performance.now();
  if (!(Number.isInteger(options.count) && options.count > 0))
    throw new LamError(
      'LAM_ConfigError',
      `count must be a positive integer, not ${options.count}: pass e.g. --count 400.`,
    );
  const outDir = resolve(options.outDir);
  const paths = generatePaths(outDir);
  mkdirSync(paths.documents, { recursive: true });
  const tasks = generateTasks(options);
  if (existsSync(paths.tasks)) {
    // A folder is resumed only with the same task list: another seed or catalogue version would give
    // done task ids other contents.
    const now = new Map(tasks.map((t) => [t.id, JSON.stringify(t)]));
    const changed = readFileSync(paths.tasks, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => ({ line: l, id: (JSON.parse(l) as { id: string }).id }))
      .filter(({ line, id }) => now.has(id) && now.get(id) !== line);
    if (changed.length > 0)
      throw new LamError(
        'LAM_DataflowOptionError',
        `${paths.tasks} holds ${changed.length} tasks (${changed[0]?.id}, ...) that this seed and skill catalogue make differently: the folder was made with other options or another version of the catalogue. Resume it with the same --seed and --skills and the same version, or give another --out.`,
      );
  }
  const tmp = `${paths.tasks}.tmp`;
  writeFileSync(tmp, tasks.map((t) => JSON.stringify(t)).join('\n') + (tasks.length ? '\n' : ''));
  renameSync(tmp, paths.tasks);
  for (const t of tasks) {
    const file = join(outDir, t.document);
    if (!existsSync(file)) writeFileSync(file, documentFile(t.start).xml);
  }
  const done = recoverTrajectories(paths.trajectories);
  const hashes = knownHashes(paths.observations);
  let todo = tasks.filter((t) => !done.has(t.id));
  if (options.maxTasks !== undefined) todo = todo.slice(0, options.maxTasks);
  const summary: GenerateSummary = {
    outDir,
    total: tasks.length,
    skipped:
      tasks.length -
      todo.length -
      (options.maxTasks === undefined
        ? 0
        : Math.max(0, tasks.filter((t) => !done.has(t.id)).length - todo.length)),
    ran: 0,
    verified: 0,
    failed: 0,
    failures: {},
    retries: 0,
    seconds: 0,
    verifiedPerMinute: 0,
  };
  const progress =
    options.onProgress === null
      ? undefined
      : (options.onProgress ??
        ((p: GenerateProgress) =>
          process.stderr.write(
            `  [${p.done}/${p.total}] ${p.verdict === 'verified' ? 'ok  ' : 'FAIL'} ${p.taskId}${p.failure ? ` (${p.failure})` : ''} | ${p.verified} verified, ${p.failed} failed | ${p.perMinute.toFixed(1)}/min, ETA ${Math.round(p.etaSeconds / 60)} min\n`,
          )));
  const record = (task: GeneratedTask, outcome: TaskOutcome) => {
    const newObs: string[] = [];
    for (const [hash, observation] of outcome.observations) {
      if (hashes.has(hash)) continue;
      hashes.add(hash);
      newObs.push(
        JSON.stringify({ hash, observation } satisfies { hash: string; observation: ObservationSummary }),
      );
    }
    appendAll(paths.observations, newObs);
    appendAll(
      paths.trajectories,
      outcome.records.map((r) => JSON.stringify(TrajectoryLogRecord.parse(r))),
    );
    summary.ran++;
    if (outcome.verdict === 'verified') summary.verified++;
    else {
      summary.failed++;
      summary.failures[outcome.failure ?? 'unknown'] =
        (summary.failures[outcome.failure ?? 'unknown'] ?? 0) + 1;
    }
    const minutes = (performance.now() - started) / 60_000;
    const perMinute = summary.ran / Math.max(minutes, 1e-6);
    progress?.({
      done: summary.skipped + summary.ran,
      total: summary.skipped + todo.length,
      verified: summary.verified,
      failed: summary.failed,
      perMinute,
      etaSeconds: ((todo.length - summary.ran) / Math.max(perMinute, 1e-6)) * 60,
      taskId: task.id,
      verdict: outcome.verdict,
      failure: outcome.failure,
    });
  };
  const queue = [...todo];
  const timeout = options.taskTimeoutMs ?? 90_000;
  const workerLoop = async (n: number) => {
    const worker = new OfficeWorker(options.worker ?? {});
    const workDir = join(paths.work, `w${n}`);
    mkdirSync(workDir, { recursive: true });
    try {
      for (let task = queue.shift(); task !== undefined; task = queue.shift()) {
        let outcome: TaskOutcome | undefined;
        let last: TaskAbort | undefined;
        for (let attempt = 1; attempt <= 2 && outcome === undefined; attempt++) {
          try {
            outcome = await withTimeout(
              runGeneratedTask(worker, task, { workDir, attempt }),
              timeout,
              `task ${task.id}`,
            );
          } catch (error) {
            if (LamError.isInstance(error) && error.name === 'LAM_DesktopDependencyError') throw error;
            last = error instanceof TaskAbort ? error : new TaskAbort('crash', String(error));
            summary.retries += attempt === 1 ? 1 : 0;
            // The watchdog: whatever state LibreOffice is in, a fresh one runs the retry.
            await worker.discard(task.app);
          }
        }
        outcome ??= abortedOutcome(task, last as TaskAbort);
        record(task, outcome);
      }
    } finally {
      await worker.close();
    }
  };
  const n = Math.max(1, Math.min(options.workers ?? 1, todo.length || 1));
  // Workers start a few seconds apart: two LibreOffice starts at once on 2 cores time out.
  await Promise.all(
    Array.from({ length: n }, (_, i) =>
      new Promise((r) => setTimeout(r, i * 4000)).then(() => workerLoop(i)),
    ),
  );
  summary.seconds = Math.round((performance.now() - started) / 100) / 10;
  await writeGenerateCard(outDir);
  await exportHeldoutSuite(outDir);
  await writeGeneratedTaskPlans(outDir);
  summary.verifiedPerMinute = Math.round((summary.verified / Math.max(summary.seconds / 60, 1e-6)) * 10) / 10;
  return summary;
}

function abortedOutcome(task: GeneratedTask, abort: TaskAbort): TaskOutcome {
  const trajectoryId = `${task.id}#2`;
  const now = new Date().toISOString();
  return {
    trajectoryId,
    observations: new Map(),
    verdict: 'failed',
    failure: abort.failure,
    reason: abort.message,
    ms: 0,
    records: [
      {
        kind: 'trajectory-start',
        trajectoryId,
        taskId: task.id,
        request: task.request,
        application: task.app,
        startedAt: now,
        model: { id: 'route', engine: 'generator' },
        metadata: {
          ...taskMetadata(task),
          verdict: 'failed',
          failure: abort.failure,
          reason: abort.message,
          attempt: 2,
        },
      },
      { kind: 'trajectory-end', trajectoryId, status: 'aborted', reason: abort.message, finishedAt: now },
    ],
  };
}
