import { z } from 'zod';
import { LAM_ConversionError } from './errors';
import { JsonValue } from './json-value';
import { validate } from './validate';

/**
 * The status a decision ends with:
 * - `CONTINUE`: more actions follow;
 * - `FINISH`: the task is done after this action;
 * - `FAIL`: the task cannot be done (the reason is in `comment`);
 * - `CONFIRM`: this action is sensitive and needs the user's approval before it runs;
 * - `PENDING`: the agent needs answers to `questions` before going on.
 */
export const DecisionStatus = z.enum(['CONTINUE', 'FINISH', 'FAIL', 'CONFIRM', 'PENDING']);
export type DecisionStatus = z.infer<typeof DecisionStatus>;

/** Keyword arguments of a function call: any JSON object. */
export const ActionArgs = z.record(z.string(), JsonValue);
export type ActionArgs = z.infer<typeof ActionArgs>;

/** One decision of the model: which control, which function, what status, what plan. */
export const Decision = z.strictObject({
  /** The model's one-step reasoning. */
  thought: z.string(),
  /** Label of the chosen control; `""` when none. */
  controlLabel: z.string(),
  /** Name (control_text) of the chosen control; `""` when none. */
  controlName: z.string(),
  /** The function to call; `""` is no action. */
  function: z.string(),
  args: ActionArgs,
  status: DecisionStatus,
  /** The remaining steps after this one; empty when finished. */
  plan: z.array(z.string()),
  /** Progress summary, an answer, or the failure reason. */
  comment: z.string().optional(),
  /** Questions for the user, with status `PENDING`. */
  questions: z.array(z.string()).optional(),
  /** What the model says it sees (UFO's `Observation` key). */
  observation: z.string().optional(),
});
export type Decision = z.infer<typeof Decision>;

/**
 * The paper's LAM output (App. C, PAPER.md §2.8): seven snake_case keys.
 * `status` is `CONTINUE` or `FINISH` in the paper; the other statuses are accepted too.
 */
export const LamOutput = z.strictObject({
  thought: z.string(),
  control_label: z.string(),
  control_name: z.string(),
  function: z.string(),
  args: ActionArgs,
  status: DecisionStatus,
  plan: z.array(z.string()),
});
export type LamOutput = z.infer<typeof LamOutput>;

/** UFO AppAgent output (PAPER.md §4.6): PascalCase keys. Extra keys (e.g. `SaveScreenshot`) are kept. */
export const UfoAppAgentOutput = z.looseObject({
  Observation: z.string().optional(),
  Thought: z.string(),
  ControlLabel: z.string(),
  ControlText: z.string(),
  Function: z.string(),
  Args: ActionArgs,
  Status: z.string(),
  Plan: z.union([z.array(z.string()), z.string()]),
  Comment: z.string().optional(),
  Questions: z.array(z.string()).optional(),
});
export type UfoAppAgentOutput = z.infer<typeof UfoAppAgentOutput>;

/**
 * Converts a decision to the paper's seven-key LAM output. `comment`, `questions` and
 * `observation` have no place there: pass `{ strict: true }` to throw if they are set.
 */
export function toLamOutput(decision: Decision, options: { strict?: boolean } = {}): LamOutput {
  if (options.strict === true) {
    for (const key of ['comment', 'questions', 'observation'] as const) {
      if (decision[key] !== undefined) {
        throw new LAM_ConversionError({
          format: 'decision to LAM output',
          path: [key],
          reason: `the paper's seven-key format has no "${key}" field`,
          fix: 'Drop the field, or convert without { strict: true } to leave it out.',
        });
      }
    }
  }
  return {
    thought: decision.thought,
    control_label: decision.controlLabel,
    control_name: decision.controlName,
    function: decision.function,
    args: decision.args,
    status: decision.status,
    plan: decision.plan,
  };
}

/** Validates a parsed LAM output object (seven snake_case keys) and converts it to a {@link Decision}. */
export function fromLamOutput(value: unknown): Decision {
  const out = validate(LamOutput, value, { record: 'LAM output' });
  return {
    thought: out.thought,
    controlLabel: out.control_label,
    controlName: out.control_name,
    function: out.function,
    args: out.args,
    status: out.status,
    plan: out.plan,
  };
}

/** Converts a decision to UFO AppAgent output keys (PascalCase; `controlName` becomes `ControlText`). */
export function toUfoAppAgentOutput(decision: Decision): UfoAppAgentOutput {
  const out: UfoAppAgentOutput = {
    Thought: decision.thought,
    ControlLabel: decision.controlLabel,
    ControlText: decision.controlName,
    Function: decision.function,
    Args: decision.args,
    Status: decision.status,
    Plan: decision.plan,
  };
  if (decision.observation !== undefined) out.Observation = decision.observation;
  if (decision.comment !== undefined) out.Comment = decision.comment;
  if (decision.questions !== undefined) out.Questions = decision.questions;
  return out;
}

/**
 * Validates a UFO AppAgent output object and converts it to a {@link Decision}. A plan
 * given as a string is split on new lines; UFO's `"<FINISH>"` item is dropped.
 * Statuses outside {@link DecisionStatus} (`SCREENSHOT`, `ERROR`) are refused.
 */
export function fromUfoAppAgentOutput(value: unknown): Decision {
  const out = validate(UfoAppAgentOutput, value, { record: 'UFO AppAgent output' });
  const status = DecisionStatus.safeParse(out.Status);
  if (!status.success) {
    throw new LAM_ConversionError({
      format: 'UFO AppAgent output',
      path: ['Status'],
      reason: `status ${JSON.stringify(out.Status)} is not one of ${DecisionStatus.options.join(', ')}`,
      fix: 'Map it first (SCREENSHOT is an annotation request, ERROR an internal state), or correct the output.',
    });
  }
  const plan =
    typeof out.Plan === 'string'
      ? out.Plan.split('\n')
          .map((s) => s.trim())
          .filter((s) => s !== '' && s !== '<FINISH>')
      : out.Plan.filter((s) => s.trim() !== '<FINISH>');
  const decision: Decision = {
    thought: out.Thought,
    controlLabel: out.ControlLabel,
    controlName: out.ControlText,
    function: out.Function,
    args: out.Args,
    status: status.data,
    plan,
  };
  if (out.Observation !== undefined) decision.observation = out.Observation;
  if (out.Comment !== undefined) decision.comment = out.Comment;
  if (out.Questions !== undefined) decision.questions = out.Questions;
  return decision;
}
