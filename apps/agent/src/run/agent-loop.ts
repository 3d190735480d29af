import { type ConfirmCallback, createExecutor, type Environment, type SafetyPolicy } from '@lam/grounding';
import { type DecisionRenderOptions, type PromptMessage, safeParseDecision } from '@lam/prompts';
import type { ChatMessage, GenerateResult, LanguageModel } from '@lam/runtime';
import {
  type ActionRegistry,
  type Decision,
  type DecisionStatus,
  defaultActionRegistry,
  LamError,
  openJsonlWriter,
  type Step,
  type StepInput,
  summarizeObservation,
  type TokenUsage,
  TrajectoryLogRecord,
  type TrajectoryStatus,
} from '@lam/schema';
import {
  argumentSchemas,
  functionNamesFor,
  type PromptSettings,
  previousStepOf,
  renderStepPrompt,
  stepConstraint,
} from './step-prompt';

/** Options of {@link runAgent}. */
export interface RunAgentOptions {
  /** The user's request. */
  request: string;
  environment: Environment;
  model: LanguageModel;
  /**
   * The JSONL file the trajectory is appended to, one record per line, flushed as it goes. Give it,
   * or `recordStep` when something else (a benchmark harness) owns the trajectory log.
   */
  trajectoryFile?: string;
  /**
   * Records each step instead of `trajectoryFile` (no start or end records are written then): e.g.
   * `recordStep` of @lam/eval's runner context, which appends to the suite's trajectory log.
   * It returns the step as validated, with the schema's defaults filled in.
   */
  recordStep?: (step: StepInput) => Step;
  /** Milliseconds to wait after an action before the next observation, for the UI to settle (UFO's SLEEP_TIME; default 0). */
  stepDelayMs?: number;
  /** Identifies the trajectory in the file (default: a time-based id). */
  trajectoryId?: string;
  taskId?: string;
  /** Application name for the prompt's API list (`writer`, `calc`, `web`): app APIs of other apps are left out. */
  app?: string;
  registry?: ActionRegistry;
  /** The most steps before the run stops with status `max-steps` (default 20, as a task of the paper takes 5-7). */
  maxSteps?: number;
  /**
   * The prompt's style and control budget (default: the paper's prompt with every control). A model
   * trained by `lam train` names its own in its folder's `prompt.json` (`promptSettingsOf`).
   */
  prompt?: Partial<PromptSettings>;
  /** Statuses offered to the model (default the paper's CONTINUE and FINISH). */
  statuses?: readonly DecisionStatus[];
  /** Constrain decoding to the decision schema (labels and functions of the step) where the engine can (default true). */
  constrained?: boolean;
  /**
   * Constrain `args` to the arguments of the function the decision names (default: for the `onnx`
   * engine, whose constraint automaton follows that union; remote servers' grammar engines differ in
   * the JSON Schema they accept, and OpenAI's strict mode refuses a union at the root).
   */
  constrainArgs?: boolean;
  /** Most tokens per decision (default 320). */
  maxTokens?: number;
  /** How many times a malformed answer is sent back with the repair message before the run fails (default 1). */
  repairAttempts?: number;
  /** The same action on the same control this many times in a row stops the run as a loop (default 3). */
  loopLimit?: number;
  safety?: SafetyPolicy;
  /** Asks the user about actions the safety policy wants confirmed; without it they are not run. */
  confirm?: ConfirmCallback;
  /** Called after each step is recorded. */
  onStep?: (step: Step) => void;
  signal?: AbortSignal;
}

/** How a run ended. */
export interface RunAgentResult {
  trajectoryId: string;
  status: TrajectoryStatus;
  reason?: string;
  steps: Step[];
  /** Milliseconds in the model, in the environment, and in total. */
  timings: { modelMs: number; envMs: number; totalMs: number };
}

const now = () => performance.now();

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function toRuntimeMessages(messages: readonly PromptMessage[]): ChatMessage[] {
  return messages.map((m) => ({
    role: m.role,
    content:
      typeof m.content === 'string'
        ? m.content
        : m.content.filter((p) => p.type === 'text').map((p) => ({ type: 'text' as const, text: p.text })),
  }));
}

function sameAction(a: Decision, b: Decision): boolean {
  return (
    a.function === b.function &&
    a.controlLabel === b.controlLabel &&
    a.controlName === b.controlName &&
    JSON.stringify(a.args) === JSON.stringify(b.args)
  );
}

/**
 * The paper's step loop (PAPER.md §8): observe, render the decision prompt with the step history
 * and the previous plan, generate (constrained to the step's labels and functions where the engine
 * can), parse (sending the repair message back once on a malformed answer), resolve, check safety,
 * execute, and append the step to the trajectory file. Stops on FINISH, FAIL, a denied action, a
 * step limit, or the same action repeated `loopLimit` times.
 */
export async function runAgent(options: RunAgentOptions): Promise<RunAgentResult> {
  const registry = options.registry ?? defaultActionRegistry;
  const statuses = options.statuses ?? ['CONTINUE', 'FINISH'];
  const maxSteps = options.maxSteps ?? 20;
  const loopLimit = options.loopLimit ?? 3;
  const trajectoryId = options.trajectoryId ?? `run-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  const executor = createExecutor({
    environment: options.environment,
    registry,
    ...(options.safety ? { safety: options.safety } : {}),
    ...(options.confirm ? { confirm: options.confirm } : {}),
  });
  if ((options.trajectoryFile === undefined) === (options.recordStep === undefined)) {
    throw new LamError(
      'LAM_ConfigError',
      'runAgent: give either trajectoryFile (a JSONL file the run writes) or recordStep (a recorder that owns the log), not both or neither.',
    );
  }
  const writer =
    options.trajectoryFile === undefined
      ? undefined
      : openJsonlWriter(options.trajectoryFile, {
          schema: TrajectoryLogRecord,
          record: 'trajectory record',
        });
  const record = (input: StepInput): Step => {
    if (options.recordStep !== undefined) return options.recordStep(input);
    // The writer returns the record as validated, with the schema's defaults filled in.
    const written = writer!.append({ kind: 'step', trajectoryId, step: input }) as TrajectoryLogRecord;
    return (written as Extract<TrajectoryLogRecord, { kind: 'step' }>).step;
  };
  const render: DecisionRenderOptions = { registry, statuses, ...(options.app ? { app: options.app } : {}) };
  const functionNames = functionNamesFor(registry, options.app);
  const functionArgs =
    (options.constrainArgs ?? options.model.engine === 'onnx')
      ? argumentSchemas(registry, [...functionNames, ''])
      : undefined;

  const steps: Step[] = [];
  const totals = { modelMs: 0, envMs: 0, totalMs: 0 };
  const started = now();
  let status: TrajectoryStatus = 'max-steps';
  let reason: string | undefined = `stopped after ${maxSteps} steps`;

  writer?.append({
    kind: 'trajectory-start',
    trajectoryId,
    request: options.request,
    startedAt: new Date().toISOString(),
    model: { id: options.model.model, engine: options.model.engine },
    ...(options.taskId ? { taskId: options.taskId } : {}),
    ...(options.app ? { application: options.app } : {}),
  });
  try {
    for (let index = 1; index <= maxSteps; index++) {
      options.signal?.throwIfAborted();
      if (index > 1 && (options.stepDelayMs ?? 0) > 0) await sleep(options.stepDelayMs!, options.signal);
      const stepStart = now();
      const startedAt = new Date().toISOString();
      let envMs = 0;
      let modelMs = 0;

      let t = now();
      const observation = await options.environment.observe();
      envMs += now() - t;
      const observeMs = now() - t;
      t = now();

      const prompt = renderStepPrompt(
        {
          request: options.request,
          controls: observation.controls,
          history: steps,
          document: observation.canvasText,
        },
        { render, ...(options.prompt ? { prompt: options.prompt } : {}) },
      );
      const controls = prompt.controls;
      let messages = toRuntimeMessages(prompt.messages);
      const constraint =
        options.constrained === false
          ? undefined
          : stepConstraint({
              controls,
              style: options.prompt?.style,
              functionNames,
              statuses,
              functionArgs,
              request: options.request,
              document: prompt.document,
              previous: previousStepOf(steps),
              registry,
            });

      const renderMs = now() - t;

      let generation: GenerateResult | undefined;
      let decision: Decision | undefined;
      let parseError: string | undefined;
      const usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
      let prefillMs = 0;
      let parseMs = 0;
      for (let attempt = 0; attempt <= (options.repairAttempts ?? 1); attempt++) {
        t = now();
        generation = await options.model.generate({
          messages,
          maxTokens: options.maxTokens ?? 320,
          ...(constraint ? { constraint } : {}),
          ...(options.signal ? { abortSignal: options.signal } : {}),
        });
        modelMs += now() - t;
        prefillMs += Math.min(generation.timings.timeToFirstTokenMs, now() - t);
        usage.inputTokens += generation.usage.inputTokens;
        usage.outputTokens += generation.usage.outputTokens;
        if (generation.usage.cachedInputTokens !== undefined)
          usage.cachedInputTokens = (usage.cachedInputTokens ?? 0) + generation.usage.cachedInputTokens;
        // Arguments are checked by the executor, which records a bad call as a failed step the
        // model sees in its history; here only the decision's shape and its label are checked.
        t = now();
        const parsed = safeParseDecision(generation.text, {
          registry,
          controls,
          statuses,
          validateArgs: false,
        });
        parseMs += now() - t;
        if (parsed.success) {
          decision = parsed.decision;
          break;
        }
        parseError = parsed.error.message;
        messages = [
          ...messages,
          { role: 'assistant', content: generation.text },
          { role: 'user', content: parsed.error.repairMessage },
        ];
      }

      if (decision === undefined) {
        totals.modelMs += modelMs;
        totals.envMs += envMs;
        status = 'failed';
        reason = `the model's answer could not be parsed: ${parseError}`;
        break;
      }

      t = now();
      const outcome =
        decision.status === 'FAIL' && decision.function === ''
          ? { status: 'no-action' as const, control: null }
          : await executor.run(decision, observation);
      const runMs = now() - t;
      envMs += runMs;
      // The executor's result times the action itself; the rest is resolving and the safety check.
      const executeMs = Math.min(outcome.result?.durationMs ?? 0, runMs);

      const stepInput: StepInput = {
        index,
        startedAt,
        observation: summarizeObservation(observation),
        decision,
        rawOutput: generation!.text,
        control: outcome.control,
        ...(outcome.safety ? { safety: outcome.safety } : {}),
        ...(outcome.result ? { result: outcome.result } : {}),
        timings: {
          modelMs,
          envMs,
          totalMs: now() - stepStart,
          observeMs,
          renderMs,
          prefillMs,
          decodeMs: Math.max(0, modelMs - prefillMs),
          parseMs,
          resolveMs: runMs - executeMs,
          executeMs,
        },
        usage,
      };
      const step = record(stepInput);
      steps.push(step);
      totals.modelMs += modelMs;
      totals.envMs += envMs;
      options.onStep?.(step);

      if (outcome.status === 'denied' || outcome.status === 'declined' || outcome.status === 'unconfirmed') {
        status = 'denied';
        reason = `the safety policy stopped ${decision.function}: ${outcome.status}`;
        break;
      }
      if (decision.status === 'FINISH') {
        status = 'finished';
        reason = undefined;
        break;
      }
      if (decision.status === 'FAIL') {
        status = 'failed';
        reason = decision.comment ?? 'the model gave up';
        break;
      }
      const recent = steps.slice(-loopLimit);
      if (recent.length === loopLimit && recent.every((s) => sameAction(s.decision, decision!))) {
        status = 'failed';
        reason = `the same action was repeated ${loopLimit} times: ${decision.function} on "${decision.controlName}"`;
        break;
      }
    }
  } catch (error) {
    status = 'aborted';
    reason = error instanceof Error ? error.message : String(error);
    throw error;
  } finally {
    totals.totalMs = now() - started;
    writer?.append({
      kind: 'trajectory-end',
      trajectoryId,
      status,
      ...(reason ? { reason } : {}),
      finishedAt: new Date().toISOString(),
    });
    writer?.close();
  }
  return { trajectoryId, status, ...(reason ? { reason } : {}), steps, timings: totals };
}
