import { join } from 'node:path';
import { createExecutor, resolveDecision } from '@lam/grounding';
import type { DesktopEnvironment } from '@lam/grounding/desktop';
import {
  type Control,
  type Decision,
  type InstantiatedStep,
  type JsonValue,
  LamError,
  type Observation,
  type Step,
  summarizeObservation,
} from '@lam/schema';
import { expectsChange, observeSettled, parkPointer } from '../live/observe';
import { extraWindows } from '../live/workbench';

/** Options of {@link replayPlan}. */
export interface ReplayOptions {
  /** Lowest name similarity (0..100) for a step's control text to match a live control (default 80). */
  threshold?: number;
  /** Folder for the screenshots of this task (`step-<n>.png` before each step, `final.png`); none when absent. */
  screenshotsDir?: string;
  /** Called with each step as soon as it is done (to append it to the trajectory log). */
  onStep?: (step: Step) => void;
}

/** How a replay ended. */
export interface ReplayResult {
  /** Every step ran and succeeded. */
  ok: boolean;
  steps: Step[];
  /** The plan with `success`, `matchedControlText` and the matched label filled in (UFO's execution record). */
  plan: InstantiatedStep[];
  /** The failed step's error, when one failed. */
  error?: { step: number; message: string };
  /** The observation after the last step. */
  final?: Observation;
  ms: number;
}

/** Whether a control's checked or pressed state is known, and what it is. */
function toggled(control: {
  states?: { checked?: boolean; pressed?: boolean } | undefined;
}): boolean | undefined {
  return control.states?.checked ?? control.states?.pressed;
}

/**
 * The label of a planned step's control in this control list. The plan's label is kept when it
 * still names a control of the plan's name; otherwise, when the plan knows the control's type
 * (`extra.controlType`, recorded by the rehearsal) and exactly one control has that name and type,
 * its label (labels move between runs as dialogs remember their state, and a name may belong to
 * controls of two types).
 */
export function liveLabel(
  planned: Pick<InstantiatedStep, 'controlLabel' | 'controlText' | 'extra'>,
  controls: readonly Pick<Control, 'label' | 'name' | 'type'>[],
): string {
  const label = planned.controlLabel ?? '';
  const name = planned.controlText ?? '';
  const type = planned.extra?.controlType;
  if (name === '' || typeof type !== 'string') return label;
  const atLabel = controls.find((c) => c.label === label);
  if (atLabel !== undefined && atLabel.name === name && atLabel.type === type) return label;
  const same = controls.filter((c) => c.name === name && c.type === type);
  return same.length === 1 ? (same[0] as { label: string }).label : label;
}

/**
 * Stage 4, execution (paper §3.2.2): replays an instantiated plan in LibreOffice with no model in
 * the loop. Before each step it observes the window (controls, document text, a screenshot), grounds
 * the step's control text to a live control with `@lam/grounding`'s resolver (label first, then the
 * name with a similarity threshold), runs the function through the executor, and records a schema
 * `Step` with the observation it saw, the decision, the matched control, the result and timings. A
 * step marked `extra.ensure` (a check box to set) is skipped when the box already is as wanted. The
 * first failed step fails the task, with its reason; later steps are not run.
 */
export async function replayPlan(
  env: DesktopEnvironment,
  plan: readonly InstantiatedStep[],
  options: ReplayOptions = {},
): Promise<ReplayResult> {
  const started = performance.now();
  const threshold = options.threshold ?? 80;
  const executor = createExecutor({
    environment: env,
    resolve: { threshold },
    // The replay acts on a copy of a template: confirm everything but closing LibreOffice itself.
    confirm: (request) => !/close document|close window|exit|quit/i.test(request.control?.name ?? ''),
  });
  const shot = (name: string) =>
    options.screenshotsDir === undefined ? {} : { screenshotPath: join(options.screenshotsDir, name) };
  let observation = await env.observe({ canvas: true, ...shot('step-1.png') });
  const steps: Step[] = [];
  const out: InstantiatedStep[] = plan.map((s) => ({ ...s, success: null, matchedControlText: null }));
  let error: ReplayResult['error'];
  let dialog = (await extraWindows(env).catch(() => 0)) > 0;
  for (const [i, planned] of plan.entries()) {
    const stepStarted = performance.now();
    const startedAt = new Date().toISOString();
    const decision: Decision = {
      thought: planned.subtask,
      controlLabel: liveLabel(planned, observation.controls),
      controlName: planned.controlText ?? '',
      function: planned.function,
      args: planned.args,
      status: i === plan.length - 1 ? 'FINISH' : 'CONTINUE',
      plan: plan.slice(i + 1).map((s) => s.subtask),
    };
    const ensure = (planned.extra?.ensure as { checked?: boolean } | undefined)?.checked;
    let outcome: Awaited<ReturnType<typeof executor.run>> | undefined;
    const metadata: Record<string, JsonValue> = {};
    if (ensure !== undefined) {
      metadata.ensure = { checked: ensure };
      try {
        const live = resolveDecision(decision, observation, { threshold });
        if (live !== null && toggled(live.control) === ensure) {
          outcome = {
            status: 'executed',
            control: live.resolved,
            safety: { verdict: 'allow' },
            result: {
              ok: true,
              output: `${live.control.name} is already ${ensure ? 'checked' : 'cleared'}.`,
              durationMs: 0,
            },
          };
          metadata.skipped = true;
        }
      } catch (e) {
        if (!LamError.isInstance(e)) throw e;
      }
    }
    if (outcome === undefined && decision.function === 'click_input') await parkPointer(env);
    outcome ??= await executor.run(decision, observation);
    const ok = outcome.status === 'executed' && outcome.result?.ok === true;
    const envMs = performance.now() - stepStarted;
    const last = i === plan.length - 1 || !ok;
    const control = outcome.control;
    const opens = expectsChange(decision.function, control, decision.args, dialog);
    const after = await observeSettled(env, observation, {
      waitForChange: ok && opens && metadata.skipped !== true,
      canvas: true,
      ...shot(last ? 'final.png' : `step-${i + 2}.png`),
    }).catch(() => undefined);
    if (ensure !== undefined && after !== undefined && control !== null) {
      // The same control: same label and name when the list did not move, else the last of that name.
      const same =
        after.controls.find((c) => c.label === control.label && c.name === control.name) ??
        after.controls.filter((c) => c.name === control.name && c.type === control.type).at(-1);
      if (same !== undefined && toggled(same) !== undefined) metadata.checkedAfter = toggled(same) as boolean;
    }
    const step: Step = {
      index: i + 1,
      startedAt,
      subtask: planned.subtask,
      observation: summarizeObservation(observation),
      decision,
      control,
      ...(outcome.safety === undefined ? {} : { safety: outcome.safety }),
      ...(outcome.result === undefined
        ? { result: { ok: false, error: outcome.error?.message ?? outcome.status, durationMs: envMs } }
        : { result: outcome.result }),
      timings: { envMs: Math.round(envMs), totalMs: Math.round(performance.now() - stepStarted) },
      ...(observation.screenshot === undefined && after?.screenshot === undefined
        ? {}
        : {
            screenshots: {
              ...(observation.screenshot === undefined ? {} : { before: observation.screenshot }),
              ...(after?.screenshot === undefined ? {} : { after: after.screenshot }),
            },
          }),
      ...(Object.keys(metadata).length === 0 ? {} : { metadata }),
    };
    steps.push(step);
    options.onStep?.(step);
    const record = out[i] as InstantiatedStep;
    record.success = ok;
    record.matchedControlText = control?.name ?? null;
    if (control !== null) record.controlLabel = control.label;
    if (!ok) {
      error = {
        step: i + 1,
        message: `step ${i + 1} (${planned.subtask}): ${outcome.result?.error ?? outcome.error?.message ?? outcome.status}`,
      };
      if (after !== undefined) observation = after;
      break;
    }
    if (after === undefined) {
      error = {
        step: i + 1,
        message: `step ${i + 1} (${planned.subtask}): LibreOffice could not be observed afterwards`,
      };
      break;
    }
    observation = after;
    dialog = (await extraWindows(env).catch(() => 0)) > 0;
  }
  return {
    ok: error === undefined,
    steps,
    plan: out,
    ...(error === undefined ? {} : { error }),
    final: observation,
    ms: performance.now() - started,
  };
}
