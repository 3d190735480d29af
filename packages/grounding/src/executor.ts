import {
  type ActionRegistry,
  type ActionResult,
  type Control,
  type Decision,
  defaultActionRegistry,
  type JsonValue,
  LamError,
  type Observation,
  type ResolvedControl,
  type SafetyVerdict,
} from '@lam/schema';
import type { Environment } from './environment';
import {
  LAM_ActionTargetError,
  LAM_ControlNotFoundError,
  LAM_NoEffectError,
  LAM_UnsupportedActionError,
} from './errors';
import { type ResolveOptions, resolveDecision } from './resolve';
import { type ConfirmCallback, createSafetyPolicy, type SafetyPolicy } from './safety/policy';

/** How a decision's step ended. */
export type StepStatus =
  /** The action ran (see `result.ok` for its outcome). */
  | 'executed'
  /** The function was `""`: nothing to run. */
  | 'no-action'
  /** The arguments did not validate against the function's schema. */
  | 'invalid-args'
  /** No control (or no single control) matched the decision. */
  | 'unresolved'
  /** The safety policy denied it. */
  | 'denied'
  /** It needed confirmation and the user declined. */
  | 'declined'
  /** It needed confirmation and there was no one to ask (no confirm callback). */
  | 'unconfirmed';

/** What running one decision gave: the parts of a schema `Step` that grounding fills in. */
export interface StepOutcome {
  status: StepStatus;
  /** The live control the decision resolved to; null when it needs none or none matched. */
  control: ResolvedControl | null;
  /** The safety verdict (absent when the step stopped before the policy was asked). */
  safety?: SafetyVerdict;
  /** The action's result; absent when it was not run (denied, declined, unconfirmed, no action). */
  result?: ActionResult;
  /** The error behind a failed step, for callers that want its fields (candidates, rule). */
  error?: Error;
}

/** Options of {@link createExecutor}. */
export interface ExecutorOptions {
  environment: Environment;
  /** Function definitions; default `defaultActionRegistry` from @lam/schema. */
  registry?: ActionRegistry;
  /** The safety policy; default `createSafetyPolicy()` (confirm every sensitive kind). */
  safety?: SafetyPolicy;
  /** Asks the user for `confirm` verdicts (overrides the policy's own callback). */
  confirm?: ConfirmCallback;
  /** Options for resolving the decision to a control (threshold, tie margin). */
  resolve?: Omit<ResolveOptions, 'registry'>;
}

/** Runs decisions against an environment: resolve, check safety, execute, time. */
export interface Executor {
  readonly environment: Environment;
  readonly safety: SafetyPolicy;
  /** Resolves a decision against the observation it was made on, checks it, runs it. Never throws for a failed step. */
  run(
    decision: Pick<Decision, 'function' | 'args' | 'controlLabel' | 'controlName'>,
    observation: Observation,
  ): Promise<StepOutcome>;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs one call on an environment with no resolution and no safety check: validates the
 * arguments with the registry, handles the meta functions (`summary` echoes its text,
 * `annotation` returns the named controls of `controls`, `""` does nothing), and times the
 * environment's work. Failures come back as `{ ok: false, error }`, never thrown.
 * Agents should call {@link Executor.run}, which adds resolution and the safety policy.
 */
export async function executeAction(
  environment: Environment,
  call: { function: string; args: Record<string, unknown> },
  options: {
    control?: Control | undefined;
    registry?: ActionRegistry;
    controls?: readonly Control[];
    signal?: AbortSignal;
  } = {},
): Promise<ActionResult> {
  const started = performance.now();
  const done = (
    ok: boolean,
    extra: { output?: JsonValue; error?: string; noEffect?: ActionResult['noEffect'] },
  ): ActionResult => ({
    ok,
    ...extra,
    durationMs: Math.round((performance.now() - started) * 1000) / 1000,
  });
  try {
    const registry = options.registry ?? defaultActionRegistry;
    const definition = registry.require(call.function);
    const args = registry.parseArgs(call.function, call.args) as Record<string, unknown>;
    if (call.function === '') return done(true, { output: '' });
    if (call.function === 'summary') return done(true, { output: String(args.text) });
    if (call.function === 'annotation') {
      const labels = args.control_labels as string[];
      const known = options.controls ?? [];
      const found = labels.map((l) => known.find((c) => c.label === l));
      const missing = labels.filter((_, i) => found[i] === undefined);
      if (missing.length > 0) {
        throw new LAM_ControlNotFoundError({
          label: missing.join(', '),
          controlName: '',
          threshold: 0,
          candidates: [],
          reason: `annotation names label(s) ${missing.join(', ')} that are not in the observation`,
        });
      }
      return done(true, { output: found.map((c) => ({ label: c!.label, name: c!.name, type: c!.type })) });
    }
    if (definition.control === 'required' && options.control === undefined) {
      throw new LAM_ActionTargetError({
        functionName: call.function,
        problem: 'it acts on a control and none was given',
        fix: 'Resolve the decision to a control first (resolveDecision), or use executor.run().',
      });
    }
    if (!environment.supportedActions.includes(call.function)) {
      throw new LAM_UnsupportedActionError({
        functionName: call.function,
        environment: environment.kind,
        supported: environment.supportedActions,
        ...(definition.apps ? { hint: `it is an application API for ${definition.apps.join(', ')}` } : {}),
      });
    }
    const { output } = await environment.execute({
      function: call.function,
      args,
      control: definition.control === 'none' ? undefined : options.control,
      signal: options.signal,
    });
    return done(true, output === undefined ? {} : { output });
  } catch (error) {
    if (LAM_NoEffectError.isInstance(error))
      return done(false, { error: error.message, noEffect: { expected: error.expected, read: error.read } });
    return done(false, { error: errorText(error) });
  }
}

/**
 * Creates an executor: the step loop's grounding half (ARCHITECTURE.md "one agent step").
 * `run` validates the arguments, resolves the decision to a live control, asks the safety
 * policy (and the confirm callback for `confirm` verdicts), and executes; the outcome maps
 * onto a schema `Step` as `{ control, safety, result }`.
 */
export function createExecutor(options: ExecutorOptions): Executor {
  const registry = options.registry ?? defaultActionRegistry;
  const safety = options.safety ?? createSafetyPolicy();
  const environment = options.environment;
  return {
    environment,
    safety,
    async run(decision, observation) {
      const started = performance.now();
      const failed = (
        status: StepStatus,
        error: unknown,
        control: ResolvedControl | null = null,
      ): StepOutcome => ({
        status,
        control,
        result: {
          ok: false,
          error: errorText(error),
          durationMs: Math.round((performance.now() - started) * 1000) / 1000,
        },
        ...(error instanceof Error ? { error } : {}),
      });

      let args: Record<string, unknown>;
      try {
        args = registry.parseArgs(decision.function, decision.args) as Record<string, unknown>;
      } catch (error) {
        return failed('invalid-args', error);
      }
      if (decision.function === '')
        return { status: 'no-action', control: null, safety: { verdict: 'allow' } };

      let resolution: ReturnType<typeof resolveDecision>;
      try {
        resolution = resolveDecision(decision, observation, { ...options.resolve, registry });
      } catch (error) {
        if (LamError.isInstance(error)) return failed('unresolved', error);
        throw error;
      }

      const location = environment.location ? await environment.location() : undefined;
      const check = await safety.check(
        {
          function: decision.function,
          args,
          control: resolution?.control ?? null,
          location,
          application: observation.application,
        },
        options.confirm ? { confirm: options.confirm } : {},
      );
      const control = resolution?.resolved ?? null;
      if (!check.allowed) {
        const status: StepStatus =
          check.verdict.verdict === 'deny'
            ? 'denied'
            : check.verdict.userConfirmed === false
              ? 'declined'
              : 'unconfirmed';
        return { status, control, safety: check.verdict };
      }
      const result = await executeAction(
        environment,
        { function: decision.function, args },
        { control: resolution?.control, registry, controls: observation.controls },
      );
      return { status: 'executed', control, safety: check.verdict, result };
    },
  };
}
