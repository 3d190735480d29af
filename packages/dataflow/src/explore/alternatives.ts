import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { nameSimilarity } from '@lam/grounding';
import {
  DataflowRecord,
  executionOutcome,
  type InstantiatedStep,
  type JsonValue,
  openJsonlWriter,
  type Step,
  type Trajectory,
} from '@lam/schema';
import { type EvaluationSummary, runEvaluation } from '../evaluate/run';
import { type ExecutionSummary, runExecution } from '../execute/run';
import { recordedIds } from '../instantiate/run';
import type { WriterWorkbench } from '../live/workbench';
import { readTrajectoryLog } from '../util/trajectories';

/** Control types whose click is a choice among siblings: menu items, buttons, tabs, boxes, list entries. */
const CLICKABLE = /^(MenuItem|Button|TabItem|CheckBox|RadioButton|ListItem|TreeItem|Hyperlink)$/;

/**
 * Names never chosen as an alternative: they end the session, leave the document, or open
 * something outside the application (the replay acts on a throw-away copy, but LibreOffice itself
 * must stay up for the next task).
 */
const UNSAFE =
  /exit|quit|close|print|send|e-?mail|save|export|reload|recent|new window|help|what's this|user interface|extension|templates?$|wizard|restart|get involved|donate|about|check for updates/i;

/** One alternative attempt: at step `step` the attempt clicks `control` instead of the plan's. */
export interface Alternative {
  /** The 1-based plan step where the attempt leaves the plan. */
  step: number;
  /** The control the plan's step acted on. */
  from: { label: string; name: string; type: string };
  /** The control the attempt clicks instead: the same type, the closest name in the same list. */
  to: { label: string; name: string; type: string; similarity: number };
}

/**
 * Chooses the steps of a passing trajectory where an attempt can go wrong the way a LAM does: a
 * click on a control of the same type with the closest other name in the same control list (Italic
 * for Bold, Cancel for OK, a neighbouring menu item). The steps are spread over the plan by a hash
 * of the task id, at most `perTask` of them, and only where such a control is there, its name is
 * unique in the list and not one of the names that end the session (exit, close, save, print, help).
 */
export function chooseAlternatives(trajectory: Trajectory, perTask: number): Alternative[] {
  const options: Alternative[] = [];
  for (const step of trajectory.steps) {
    const alternative = alternativeAt(step);
    if (alternative !== undefined) options.push(alternative);
  }
  if (options.length <= perTask) return options;
  // A deterministic spread over the plan: start at an offset drawn from the task id.
  const offset = createHash('sha256')
    .update(trajectory.taskId ?? trajectory.id)
    .digest()
    .readUInt32BE(0);
  const chosen: Alternative[] = [];
  for (let i = 0; i < perTask; i++) {
    const at = (offset + Math.floor((i * options.length) / perTask)) % options.length;
    chosen.push(options[at] as Alternative);
  }
  return chosen.sort((a, b) => a.step - b.step);
}

function alternativeAt(step: Step): Alternative | undefined {
  const control = step.control;
  const controls = step.observation?.controls;
  if (
    step.decision.function !== 'click_input' ||
    step.result?.ok !== true ||
    step.metadata?.skipped === true ||
    control === null ||
    control === undefined ||
    controls === undefined ||
    !CLICKABLE.test(control.type)
  )
    return undefined;
  const counts = new Map<string, number>();
  for (const c of controls) counts.set(c.name, (counts.get(c.name) ?? 0) + 1);
  let best: Alternative['to'] | undefined;
  for (const c of controls) {
    if (c.type !== control.type || c.label === control.label || c.name.trim() === '') continue;
    if (counts.get(c.name) !== 1 || UNSAFE.test(c.name)) continue;
    const similarity = nameSimilarity(c.name, control.name);
    // The same name (another Bold button) is the same action, not an alternative.
    if (similarity === 100) continue;
    if (best === undefined || similarity > best.similarity)
      best = { label: c.label, name: c.name, type: c.type, similarity };
  }
  if (best === undefined) return undefined;
  return {
    step: step.index,
    from: { label: control.label, name: control.name, type: control.type },
    to: best,
  };
}

/**
 * The record of one alternative attempt of an evaluated task: the same request, template and plan,
 * except that step `alternative.step` names the other control (its subtask text stays, so the
 * prompts up to that step are the ones the passing run saw). `extra.checkPlan` keeps the task's own
 * plan for the evaluation's checks, `extra.documentName` the task's document name (the window
 * title is part of what the model sees).
 */
export function alternativeRecord(record: DataflowRecord, alternative: Alternative): DataflowRecord {
  const prefill = record.instantiation.prefill?.result;
  const own = prefill?.plan ?? [];
  const plan = own.map((s): InstantiatedStep => {
    const { success: _s, matchedControlText: _m, ...step } = s;
    if (s.step !== alternative.step) return step;
    // A different control is clicked as it is: a check box's wanted state was the plan's own.
    const { ensure: _ensure, ...extra } = s.extra ?? {};
    const { extra: _extra, ...rest } = step;
    return {
      ...rest,
      controlLabel: alternative.to.label,
      controlText: alternative.to.name,
      ...(Object.keys(extra).length === 0 ? {} : { extra }),
    };
  });
  return {
    ...record,
    uniqueId: `${record.uniqueId}~${alternative.step}`,
    execution: null,
    instantiation: {
      ...record.instantiation,
      prefill: {
        ...(record.instantiation.prefill ?? { error: null }),
        result: { request: prefill?.request ?? '', plan },
        error: null,
      },
    },
    timeCost: { chooseTemplate: null, prefill: null, instantiationEvaluation: null, total: null },
    extra: {
      ...(record.extra ?? {}),
      alternativeOf: record.uniqueId,
      divergesAt: alternative.step,
      alternative: alternative as unknown as JsonValue,
      checkPlan: own as unknown as JsonValue,
      documentName: String(record.extra?.documentName ?? record.uniqueId),
    },
  };
}

/** What an exploration run did. */
export interface ExplorationSummary {
  /** Passing tasks read, and the alternative attempts made of them (this run and before). */
  passingTasks: number;
  alternatives: number;
  /** Passing tasks with no step that has a safe alternative control. */
  withoutAlternative: number;
  execution: ExecutionSummary;
  evaluation: EvaluationSummary;
  /** Attempts by verdict (over the whole output): a failed attempt is a negative example. */
  failed: number;
  passed: number;
  unsure: number;
  seconds: number;
}

/** Options of {@link runExploration}. */
export interface RunExplorationOptions {
  /** Evaluated dataflow records (from `runEvaluation`): the passing ones are explored. */
  evaluated: readonly string[];
  /** The trajectory log of their execution (the control lists the alternatives are chosen from). */
  trajectories: string;
  /** Alternative attempts per passing task (default 1; 0: none). */
  perTask?: number;
  /** Output files: the attempts as instantiation records, their execution, trajectories and verdicts. */
  out: { alternatives: string; execution: string; trajectories: string; evaluation: string };
  /** Where the attempts' documents are saved (a folder of their own: the file names are the tasks'). */
  documentsDir: string;
  screenshotsDir?: string | null;
  threshold?: number;
  /** Make at most this many new attempts in this run. */
  maxAttempts?: number;
  /** A running workbench whose documents folder is `documentsDir`; one is started otherwise. */
  workbench?: WriterWorkbench;
  onProgress?: null;
  fsync?: boolean;
}

/**
 * Phase 4's negatives from alternative attempts: for each task whose replay passed its checks, an
 * attempt that follows the same plan but, at one step, clicks the control a LAM would most easily
 * take for the right one (same type, closest name: see {@link chooseAlternatives}), then goes on
 * with the plan. Each attempt is replayed in LibreOffice and judged by the checks of the task's own
 * plan. An attempt that fails gives a passing and a failing trajectory that reached the same prompt
 * and acted differently: a preference pair, and −1 step rewards from the step where it left the
 * plan. Resumable like the stages it is made of.
 */
export async function runExploration(options: RunExplorationOptions): Promise<ExplorationSummary> {
  const started = performance.now();
  const perTask = options.perTask ?? 1;
  const passing: DataflowRecord[] = [];
  for (const file of options.evaluated)
    for (const r of (await recordedIds(file)).values())
      if (executionOutcome(r) === 'pass' && r.extra?.alternativeOf === undefined) passing.push(r);
  const trajectories = await readTrajectoryLog(options.trajectories);
  // The attempts file is derived data: written anew from the passing tasks each run.
  rmSync(options.out.alternatives, { force: true });
  const writer = openJsonlWriter(options.out.alternatives, {
    schema: DataflowRecord,
    record: 'DataflowRecord',
    fsync: false,
  });
  let alternatives = 0;
  let withoutAlternative = 0;
  try {
    for (const record of passing) {
      const trajectory = trajectories.get(String(record.execution?.extra?.trajectoryId ?? ''));
      const chosen = trajectory === undefined || perTask === 0 ? [] : chooseAlternatives(trajectory, perTask);
      if (chosen.length === 0) withoutAlternative++;
      for (const alternative of chosen) {
        writer.append(alternativeRecord(record, alternative));
        alternatives++;
      }
    }
  } finally {
    writer.close();
  }
  const quiet = options.onProgress === null ? { onProgress: null } : {};
  const execution = await runExecution({
    inputs: [options.out.alternatives],
    out: options.out.execution,
    trajectories: options.out.trajectories,
    documentsDir: options.documentsDir,
    ...(options.screenshotsDir === undefined ? {} : { screenshotsDir: options.screenshotsDir }),
    ...(options.threshold === undefined ? {} : { threshold: options.threshold }),
    ...(options.maxAttempts === undefined ? {} : { maxTasks: options.maxAttempts }),
    ...(options.workbench === undefined ? {} : { workbench: options.workbench }),
    ...(options.fsync === undefined ? {} : { fsync: options.fsync }),
    ...quiet,
  });
  const evaluation = await runEvaluation({
    inputs: [options.out.execution],
    trajectories: options.out.trajectories,
    out: options.out.evaluation,
    ...(options.fsync === undefined ? {} : { fsync: options.fsync }),
    ...quiet,
  });
  const verdicts = { failed: 0, passed: 0, unsure: 0 };
  for (const r of (await recordedIds(options.out.evaluation)).values()) {
    const outcome = executionOutcome(r);
    if (outcome === 'pass') verdicts.passed++;
    else if (outcome === 'unsure') verdicts.unsure++;
    else verdicts.failed++;
  }
  return {
    passingTasks: passing.length,
    alternatives,
    withoutAlternative,
    execution,
    evaluation,
    ...verdicts,
    seconds: (performance.now() - started) / 1000,
  };
}
