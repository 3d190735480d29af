import { z } from 'zod';
import { Metadata, ResolvedControl } from './control';
import { Decision } from './decision';
import { JsonValue } from './json-value';
import { ObservationSummary, ScreenshotRef } from './observation';

/** The safety policy's verdict on an action, and the user's answer when it asked. */
export const SafetyVerdict = z.strictObject({
  /** `allow`: run it; `confirm`: run only if the user approves; `deny`: never run it. */
  verdict: z.enum(['allow', 'confirm', 'deny']),
  /** Why, in words (which rule matched). */
  reason: z.string().optional(),
  /** The id of the rule that decided. */
  rule: z.string().optional(),
  /** For `confirm`: whether the user approved (UFO's `UserConfirm` Yes/No). Absent until asked. */
  userConfirmed: z.boolean().optional(),
});
export type SafetyVerdict = z.infer<typeof SafetyVerdict>;

/** What executing an action gave. */
export const ActionResult = z.strictObject({
  ok: z.boolean(),
  /** The error text when `ok` is false. */
  error: z.string().optional(),
  /** The function's return value (text read, table values, the echoed summary). */
  output: JsonValue.optional(),
  /**
   * The action ran but its effect check failed (`ok` is false): what it expected to find and what it
   * read back, e.g. a field that still shows its old value.
   */
  noEffect: z.strictObject({ expected: z.string(), read: z.string() }).optional(),
  durationMs: z.number().nonnegative(),
});
export type ActionResult = z.infer<typeof ActionResult>;

/** Time spent in one step, in milliseconds. */
export const StepTimings = z.strictObject({
  /** Model call (prompt to parsed decision). */
  modelMs: z.number().nonnegative().optional(),
  /** Environment: observing and executing. */
  envMs: z.number().nonnegative().optional(),
  /** The whole step. */
  totalMs: z.number().nonnegative().optional(),
  /**
   * Where the step's time went, in the order it is spent: observing the application, rendering the
   * prompt (and building the decoding constraint), the model's prompt processing up to its first token
   * (`prefillMs`) and the rest of its decoding (`decodeMs`), parsing the answer, resolving the decision
   * to a control (with the safety check) and executing the action. A repaired answer adds its model time.
   */
  observeMs: z.number().nonnegative().optional(),
  renderMs: z.number().nonnegative().optional(),
  prefillMs: z.number().nonnegative().optional(),
  decodeMs: z.number().nonnegative().optional(),
  parseMs: z.number().nonnegative().optional(),
  resolveMs: z.number().nonnegative().optional(),
  executeMs: z.number().nonnegative().optional(),
});
export type StepTimings = z.infer<typeof StepTimings>;

/** Tokens used by the model call of a step. */
export const TokenUsage = z.strictObject({
  inputTokens: z.int().nonnegative(),
  outputTokens: z.int().nonnegative(),
  /** Prompt tokens served from a cache, when the engine reports it. */
  cachedInputTokens: z.int().nonnegative().optional(),
  /** Cost in US dollars, when known. */
  costUsd: z.number().nonnegative().optional(),
});
export type TokenUsage = z.infer<typeof TokenUsage>;

/** Screenshots taken around a step. */
export const StepScreenshots = z.strictObject({
  before: ScreenshotRef.optional(),
  annotated: ScreenshotRef.optional(),
  selectedControl: ScreenshotRef.optional(),
  after: ScreenshotRef.optional(),
});
export type StepScreenshots = z.infer<typeof StepScreenshots>;

/** One agent step: what was seen, what was decided, how it was grounded, checked and run. */
export const Step = z.strictObject({
  /** 1-based step number within the trajectory. */
  index: z.int().positive(),
  /** ISO 8601 start time. */
  startedAt: z.iso.datetime({ offset: true }).optional(),
  /** The sub-task this step belongs to (UFO `Subtask`). */
  subtask: z.string().optional(),
  observation: ObservationSummary.optional(),
  decision: Decision,
  /** The model's raw text, before parsing. */
  rawOutput: z.string().optional(),
  /** The live control the decision resolved to; `null` when it needs none or none matched. */
  control: ResolvedControl.nullable().optional(),
  safety: SafetyVerdict.optional(),
  /** Absent when the action was not run (denied, declined, or no action). */
  result: ActionResult.optional(),
  timings: StepTimings.default({}),
  usage: TokenUsage.optional(),
  screenshots: StepScreenshots.optional(),
  metadata: Metadata.optional(),
});
export type Step = z.infer<typeof Step>;
/** A step as written by hand or by a producer (defaults not yet filled in). */
export type StepInput = z.input<typeof Step>;

/** How a trajectory ended. */
export const TrajectoryStatus = z.enum(['running', 'finished', 'failed', 'aborted', 'max-steps', 'denied']);
export type TrajectoryStatus = z.infer<typeof TrajectoryStatus>;

/** The model that acted, as recorded with a trajectory. */
export const ModelInfo = z.strictObject({
  /** Model id or path, e.g. `lam4-mistral-7b` or `gpt-4o`. */
  id: z.string(),
  /** The runtime engine: `onnx`, `hf`, `scripted`, ... */
  engine: z.string().optional(),
  parameters: Metadata.optional(),
});
export type ModelInfo = z.infer<typeof ModelInfo>;

/** One attempt at one request: the steps in order and how it ended. */
export const Trajectory = z.strictObject({
  id: z.string().min(1),
  /** The task id, when the request comes from a task suite or dataset. */
  taskId: z.string().optional(),
  /** The user's request. */
  request: z.string(),
  /** The application acted in. */
  application: z.string().optional(),
  model: ModelInfo.optional(),
  startedAt: z.iso.datetime({ offset: true }),
  finishedAt: z.iso.datetime({ offset: true }).optional(),
  status: TrajectoryStatus,
  /** Why it ended that way (the FAIL comment, the denied rule, the error). */
  reason: z.string().optional(),
  steps: z.array(Step),
  metadata: Metadata.optional(),
});
export type Trajectory = z.infer<typeof Trajectory>;

/** A run of the agent: one environment and configuration, one or more trajectories. */
export const Session = z.strictObject({
  id: z.string().min(1),
  startedAt: z.iso.datetime({ offset: true }),
  finishedAt: z.iso.datetime({ offset: true }).optional(),
  /** The environment backend, e.g. `web`, `desktop`, `testing`. */
  environment: z.string().optional(),
  model: ModelInfo.optional(),
  /** The effective configuration, for reproducing the run. */
  config: Metadata.optional(),
  trajectories: z.array(Trajectory),
  metadata: Metadata.optional(),
});
export type Session = z.infer<typeof Session>;

/**
 * One line of a trajectory log (JSONL), so that each step is appended and flushed as it
 * happens: a `trajectory-start` line, one `step` line per step, a `trajectory-end` line.
 * {@link collectTrajectories} folds such lines back into {@link Trajectory} objects.
 */
export const TrajectoryLogRecord = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('trajectory-start'),
    trajectoryId: z.string().min(1),
    sessionId: z.string().optional(),
    taskId: z.string().optional(),
    request: z.string(),
    application: z.string().optional(),
    model: ModelInfo.optional(),
    startedAt: z.iso.datetime({ offset: true }),
    metadata: Metadata.optional(),
  }),
  z.strictObject({ kind: z.literal('step'), trajectoryId: z.string().min(1), step: Step }),
  z.strictObject({
    kind: z.literal('trajectory-end'),
    trajectoryId: z.string().min(1),
    status: TrajectoryStatus,
    reason: z.string().optional(),
    finishedAt: z.iso.datetime({ offset: true }),
  }),
]);
export type TrajectoryLogRecord = z.infer<typeof TrajectoryLogRecord>;

/**
 * Folds trajectory log records into trajectories, in the order they started. A trajectory
 * with no end record keeps status `running` (the process stopped before it ended). Steps of
 * an unknown trajectory start a trajectory with an empty request, so no step is dropped.
 */
export function collectTrajectories(records: Iterable<TrajectoryLogRecord>): Trajectory[] {
  const byId = new Map<string, Trajectory>();
  const get = (id: string, startedAt: string): Trajectory => {
    let t = byId.get(id);
    if (t === undefined) {
      t = { id, request: '', startedAt, status: 'running', steps: [] };
      byId.set(id, t);
    }
    return t;
  };
  for (const r of records) {
    if (r.kind === 'trajectory-start') {
      const t = get(r.trajectoryId, r.startedAt);
      t.request = r.request;
      t.startedAt = r.startedAt;
      if (r.taskId !== undefined) t.taskId = r.taskId;
      if (r.application !== undefined) t.application = r.application;
      if (r.model !== undefined) t.model = r.model;
      if (r.metadata !== undefined) t.metadata = r.metadata;
    } else if (r.kind === 'step') {
      get(r.trajectoryId, r.step.startedAt ?? new Date(0).toISOString()).steps.push(r.step);
    } else {
      const t = get(r.trajectoryId, r.finishedAt);
      t.status = r.status;
      t.finishedAt = r.finishedAt;
      if (r.reason !== undefined) t.reason = r.reason;
    }
  }
  return [...byId.values()];
}
