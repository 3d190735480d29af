import { statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildReport, toHtml } from '@lam/eval';
import {
  collectTrajectories,
  LamError,
  type OnlineEvalRecord,
  readJsonlAll,
  type Trajectory,
  TrajectoryLogRecord,
} from '@lam/schema';

export interface ReportResult {
  /** The HTML report written. */
  file: string;
  trajectories: Trajectory[];
  /** Lines of the trajectory file that could not be read (a torn last line after a crash). */
  skipped: string[];
}

function durationMs(t: Trajectory): number {
  const end = t.finishedAt ?? t.steps.at(-1)?.startedAt;
  if (end === undefined) return 0;
  const steps = t.finishedAt === undefined ? (t.steps.at(-1)?.timings.totalMs ?? 0) : 0;
  return Math.max(0, Date.parse(end) - Date.parse(t.startedAt) + steps);
}

/**
 * The run as a result record of @lam/eval. A single `lam run` has no checker, so its verdict is
 * `unsure` and it never counts as a success: `lam eval` judges runs against a task's checker.
 */
function unjudged(t: Trajectory): OnlineEvalRecord {
  const steps = t.steps.length;
  const completionMs = durationMs(t);
  const reason =
    t.status === 'running' ? 'the run stopped before it ended (killed or crashed)' : (t.reason ?? t.status);
  return {
    taskId: t.taskId ?? t.id,
    request: t.request,
    trajectoryId: t.id,
    ...(t.model ? { model: t.model } : {}),
    status: t.status,
    verdict: 'unsure',
    success: false,
    completionMs,
    steps,
    ...(steps > 0 ? { meanStepLatencyMs: completionMs / steps } : {}),
    metadata: { reason: `${reason}; not judged (no checker)` },
  };
}

/**
 * `lam report`: renders the self-contained HTML report of @lam/eval for a trajectory file (or a
 * run folder holding `trajectory.jsonl`), next to it as `report.html`. A file cut short by a crash
 * is rendered up to its last whole record.
 */
export async function reportCommand(target: string, options: { out?: string } = {}): Promise<ReportResult> {
  let file = target;
  try {
    if (statSync(target).isDirectory()) file = join(target, 'trajectory.jsonl');
  } catch {
    throw new LamError(
      'LAM_ConfigError',
      `lam report: ${target} does not exist. Give a run folder or its trajectory.jsonl.`,
    );
  }
  const { records, report } = await readJsonlAll(file, {
    schema: TrajectoryLogRecord,
    record: 'trajectory record',
    skipInvalid: true,
  });
  const trajectories = collectTrajectories(records);
  if (trajectories.length === 0) {
    throw new LamError(
      'LAM_ConfigError',
      `lam report: ${file} holds no trajectory. Is it a file written by lam run?`,
    );
  }
  const byModel = new Map<string, Trajectory[]>();
  for (const t of trajectories) {
    const name = t.model ? `${t.model.engine ?? 'model'}:${t.model.id}` : 'agent';
    byModel.set(name, [...(byModel.get(name) ?? []), t]);
  }
  const built = buildReport({
    title:
      trajectories.length === 1
        ? `lam run: ${trajectories[0]!.request}`
        : `lam runs (${trajectories.length})`,
    systems: [...byModel].map(([name, ts]) => ({
      name,
      results: ts.map(unjudged),
      trajectories: ts,
      judged: false,
    })),
  });
  const out = options.out ?? join(dirname(file), 'report.html');
  writeFileSync(out, toHtml(built, { baseDir: dirname(file), expand: 'all' }));
  return { file: out, trajectories, skipped: report.skipped.map((s) => s.error.message) };
}
