import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { type CheckResult, createChecker } from '@lam/eval';
import { createExecutor } from '@lam/grounding';
import type { DesktopEnvironment } from '@lam/grounding/desktop';
import {
  type Control,
  type Decision,
  type JsonValue,
  type Observation,
  type ObservationSummary,
  type Step,
  summarizeObservation,
  type TrajectoryLogRecord,
} from '@lam/schema';
import { z } from 'zod';
import { expectsChange, observeSettled, parkPointer } from '../live/observe';
import { extraWindows, loadDesktop } from '../live/workbench';
import type { CalcDocument } from './content';
import type { RouteStep } from './skill';
import type { GeneratedTask } from './tasks';
import type { OfficeWorker } from './worker';

/** Why a generated task failed. */
export const GenerateFailure = z.enum([
  'grounding-miss',
  'action-error',
  'no-effect',
  'checker-failed',
  'timeout',
  'crash',
]);
export type GenerateFailure = z.infer<typeof GenerateFailure>;

/** What running one task gave: its log records (start, steps, end), the observations they reference, the verdict. */
export interface TaskOutcome {
  trajectoryId: string;
  records: TrajectoryLogRecord[];
  /** Observation summaries by content hash, referenced by `step.metadata.observation`. */
  observations: Map<string, ObservationSummary>;
  verdict: 'verified' | 'failed';
  failure?: GenerateFailure;
  reason?: string;
  check?: CheckResult;
  ms: number;
}

/** What a trajectory's start record says about its task (followed by the verdict and attempt). */
export const taskMetadata = (task: GeneratedTask) => ({
  split: task.split,
  skills: task.skills,
  phrasing: task.phrasing,
  route: task.route,
  document: task.document,
  ...(task.perturbation === undefined ? {} : { perturbation: task.perturbation }),
});

/** The SHA-256 (hex, first 32 characters) of an observation summary's JSON. */
export function observationHash(summary: ObservationSummary): string {
  return createHash('sha256').update(JSON.stringify(summary)).digest('hex').slice(0, 32);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The live control a route step names: exact name and type, else exact name; undefined when none shows. */
export function findControl(step: RouteStep, controls: readonly Control[]): Control | undefined {
  if (step.control === undefined) return undefined;
  const { name, type } = step.control;
  // A name ending in `*` is a prefix (`Sheet *`: the grid, whatever the sheet is called now).
  const named = name.endsWith('*')
    ? controls.filter((c) => c.name.startsWith(name.slice(0, -1)))
    : controls.filter((c) => c.name === name);
  return named.find((c) => type === undefined || c.type === type) ?? named[0];
}

/** An error thrown by a step or a save that says LibreOffice is gone or stuck (retry the task in a new one). */
export class TaskAbort extends Error {
  constructor(
    readonly failure: 'timeout' | 'crash',
    message: string,
  ) {
    super(message);
  }
}

function abortKind(error: unknown): TaskAbort {
  const message = error instanceof Error ? error.message : String(error);
  const name = (error as { name?: string })?.name ?? '';
  return new TaskAbort(
    /timeout|timed out/i.test(`${name} ${message}`) ? 'timeout' : 'crash',
    `${name}: ${message}`,
  );
}

/**
 * Runs a generated task in the worker's LibreOffice: opens its start document, plays its route step by
 * step (each step's control found by name in the live control list, the decision recorded in the
 * paper's App. C form with the remaining plan), saves the document and checks it. Throws
 * {@link TaskAbort} when LibreOffice dies or hangs, so the caller can restart it and retry.
 */
export async function runGeneratedTask(
  worker: OfficeWorker,
  task: GeneratedTask,
  options: { workDir: string; attempt: number },
): Promise<TaskOutcome> {
  const started = performance.now();
  const ext = task.app === 'writer' ? '.fodt' : '.fods';
  const path = join(options.workDir, `${task.id}${ext}`);
  const trajectoryId = `${task.id}#${options.attempt}`;
  const observations = new Map<string, ObservationSummary>();
  const steps: Step[] = [];
  let env: DesktopEnvironment;
  try {
    env = await worker.open(task.start, path);
  } catch (error) {
    throw abortKind(error);
  }
  const executor = createExecutor({ environment: env, resolve: { threshold: 80 }, confirm: () => true });
  let failure: GenerateFailure | undefined;
  let reason: string | undefined;
  const stored = (o: Observation): { summary: ObservationSummary; hash: string } => {
    const full = summarizeObservation(o);
    const hash = observationHash(full);
    observations.set(hash, full);
    const { controls: _c, canvasText: _t, ...light } = full;
    return { summary: light, hash };
  };
  try {
    let observation = await env.observe({ canvas: true });
    let dialog = false;
    for (const [i, planned] of task.steps.entries()) {
      const t0 = performance.now();
      const startedAt = new Date().toISOString();
      let live = findControl(planned, observation.controls);
      // A menu or dialog may still be filling in: look again for up to 3 s.
      for (let wait = 0; planned.control !== undefined && live === undefined && wait < 15; wait++) {
        await sleep(200);
        observation = await env.observe({ canvas: true });
        live = findControl(planned, observation.controls);
      }
      const decision: Decision = {
        thought: planned.subtask,
        controlLabel: live?.label ?? '',
        controlName: live?.name ?? '',
        function: planned.function,
        args: planned.args as Record<string, JsonValue>,
        status: i === task.steps.length - 1 ? 'FINISH' : 'CONTINUE',
        plan: task.steps.slice(i + 1).map((s: RouteStep) => s.subtask),
      };
      const seen = stored(observation);
      const metadata: Record<string, JsonValue> = { observation: seen.hash };
      const step = { index: i + 1, startedAt, subtask: planned.subtask, observation: seen.summary, decision };
      if (planned.control !== undefined && live === undefined) {
        failure = 'grounding-miss';
        reason = `step ${i + 1}: no control named "${planned.control.name}"${planned.control.type ? ` (${planned.control.type})` : ''} in the live list`;
        steps.push({
          ...step,
          control: null,
          result: { ok: false, error: reason, durationMs: 0 },
          timings: { envMs: Math.round(performance.now() - t0) },
          metadata,
        });
        break;
      }
      if (decision.function === 'click_input') await parkPointer(env);
      const outcome = await executor.run(decision, observation);
      const ok = outcome.status === 'executed' && outcome.result?.ok === true;
      steps.push({
        ...step,
        control: outcome.control,
        ...(outcome.safety === undefined ? {} : { safety: outcome.safety }),
        result: outcome.result ?? {
          ok: false,
          error: outcome.error?.message ?? outcome.status,
          durationMs: 0,
        },
        timings: { envMs: Math.round(performance.now() - t0), totalMs: Math.round(performance.now() - t0) },
        metadata,
      });
      if (!ok) {
        const message = outcome.result?.error ?? outcome.error?.message ?? outcome.status;
        if (!env.session.alive)
          throw new TaskAbort('crash', `LibreOffice exited at step ${i + 1}: ${message}`);
        failure = /not found|no control|threshold|unresolved|ambiguous|off screen|not on screen/i.test(
          message,
        )
          ? 'grounding-miss'
          : /timed out|timeout/i.test(message)
            ? 'timeout'
            : 'action-error';
        reason = `step ${i + 1} (${planned.subtask}): ${message}`;
        break;
      }
      const opens = expectsChange(decision.function, outcome.control ?? null, decision.args, dialog);
      // Calc's document text comes with the observation itself (`canvas`), not from the Writer text request.
      if (task.app === 'writer')
        observation = await observeSettled(env, observation, { waitForChange: opens, canvas: true });
      else {
        if (opens) await observeSettled(env, observation, { waitForChange: true, canvas: false });
        else await sleep(60);
        observation = await env.observe({ canvas: true });
      }
      dialog = (await extraWindows(env).catch(() => 0)) > 0;
    }
  } catch (error) {
    if (error instanceof TaskAbort) throw error;
    throw abortKind(error);
  }
  let check: CheckResult | undefined;
  if (failure === undefined) {
    try {
      check = await checkDocument(env, task, options.workDir);
      // Keys are sent faster than a loaded LibreOffice handles them: a failed check is made once
      // more after a second, so that a late keystroke is not taken for a failed route.
      if (!check.pass) {
        await sleep(1_000);
        check = await checkDocument(env, task, options.workDir);
      }
    } catch (error) {
      throw abortKind(error);
    }
    if (!check.pass) {
      failure = (await unchanged(env, task)) ? 'no-effect' : 'checker-failed';
      reason = check.reason;
    }
  }
  const finishedAt = new Date().toISOString();
  const verdict = failure === undefined ? 'verified' : 'failed';
  const records: TrajectoryLogRecord[] = [
    {
      kind: 'trajectory-start',
      trajectoryId,
      taskId: task.id,
      request: task.request,
      application: task.app,
      model: { id: 'route', engine: 'generator' },
      startedAt: steps[0]?.startedAt ?? finishedAt,
      metadata: {
        ...taskMetadata(task),
        verdict,
        ...(failure === undefined ? {} : { failure }),
        ...(reason === undefined ? {} : { reason }),
        attempt: options.attempt,
      },
    },
    ...steps.map((step) => ({ kind: 'step' as const, trajectoryId, step })),
    {
      kind: 'trajectory-end',
      trajectoryId,
      status: failure === undefined ? 'finished' : 'failed',
      ...(reason === undefined ? {} : { reason }),
      finishedAt,
    },
  ];
  rmSync(path, { force: true });
  return {
    trajectoryId,
    records,
    observations,
    verdict,
    ...(failure === undefined ? {} : { failure }),
    ...(reason === undefined ? {} : { reason }),
    ...(check === undefined ? {} : { check }),
    ms: performance.now() - started,
  };
}

/** Saves the document as flat ODF in the work folder and runs the task's checker on it. */
async function checkDocument(
  env: DesktopEnvironment,
  task: GeneratedTask,
  workDir: string,
): Promise<CheckResult> {
  const desktop = await loadDesktop();
  // A round trip through LibreOffice's main loop so that the last keys are handled before saving.
  await sleep(300);
  await env.observe({ canvas: false });
  const name = `${task.id}-final`;
  const ext = task.app === 'writer' ? '.fodt' : '.fods';
  const saved = await env.execute({
    function: 'save_as',
    args: { file_dir: workDir, file_name: name, file_ext: ext },
  });
  const file = String(saved.output ?? join(workDir, `${name}${ext}`));
  try {
    const state =
      task.app === 'writer'
        ? { textDocument: async () => desktop.readTextDocument(file) }
        : { spreadsheet: async () => desktop.readSpreadsheet(file) };
    return await createChecker(task.checker).check(state);
  } finally {
    rmSync(file, { force: true });
  }
}

/** Whether the document still reads as its start (text and, for Calc, the cells' values). */
async function unchanged(env: DesktopEnvironment, task: GeneratedTask): Promise<boolean> {
  const start = task.start as { app: string; title?: string; body?: string[] };
  if (task.app === 'writer') {
    const text = await env.session.uno.request<string>('text', {}, 2_000).catch(() => undefined);
    // Formatting changes do not show in the text: only a text skill's failure is called no-effect here.
    const formatOnly = task.skills.every((s: string) => !/append|replace|delete|table/.test(s));
    return (
      !formatOnly &&
      text !== undefined &&
      text.replace(/\s+/g, ' ').trim() ===
        [start.title, ...(start.body ?? [])].join(' ').replace(/\s+/g, ' ').trim()
    );
  }
  // Calc: a skill that changes values, names or order left the sheet as it was.
  if (task.skills.every((s: string) => /bold|italic|currency|number-format/.test(s))) return false;
  const doc = task.start as CalcDocument;
  const used = await env.session.uno
    .request<{ sheet: string; rows: unknown[][] }>('used_range', {}, 2_000)
    .catch(() => undefined);
  if (used === undefined || used.sheet !== doc.sheet) return false;
  const want = [doc.header, ...doc.rows];
  return (
    used.rows.length === want.length &&
    want.every((r, i) => r.every((v, j) => String((used.rows[i] as unknown[])[j]) === String(v)))
  );
}
