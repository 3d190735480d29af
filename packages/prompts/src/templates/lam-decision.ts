import {
  Decision,
  type DecisionStatus,
  LAM_ConversionError,
  type Trajectory,
  toLamOutput,
  validate,
} from '@lam/schema';
import { z } from 'zod';
import { selectActions } from '../format/apis';
import { ControlItem, formatCompactControls, formatControlList } from '../format/controls';
import { formatCompactHistory, formatStepHistory, HistoryEntry } from '../format/history';
import { formatJson } from '../format/json';
import type { PromptMessage } from '../messages';
import { type ParseDecisionOptions, parseDecision } from '../parse/decision';
import { definePromptTemplate, type RenderOptions } from '../template';
import { apisFor, formatPlan, formatStatuses, glossaryFor } from './shared';

/** The inputs of the LAM decision prompt (paper App. C, PAPER.md §4.5). */
export const DecisionPromptInputs = z.strictObject({
  /** The labelled controls the model may act on (`{control_item}`). */
  controls: z.array(ControlItem),
  /** The user's request (`{user_request}`). */
  request: z.string().min(1),
  /** The steps taken so far (`{step_history}`), serialised by `formatStepHistory`. */
  stepHistory: z.array(HistoryEntry).default([]),
  /** The plan of the previous step's decision (`{previous_plan}`). */
  previousPlan: z.array(z.string()).default([]),
  /**
   * The document as the model is shown it, one line each (see `formatDocumentLines`); absent or empty:
   * no document section (the paper's prompt has none).
   */
  document: z.array(z.string()).default([]),
});
export type DecisionPromptInputs = z.input<typeof DecisionPromptInputs>;

/** Render options of the decision prompt. */
export interface DecisionRenderOptions extends RenderOptions {
  /** The statuses offered to the model; default the paper's `CONTINUE` and `FINISH`. */
  statuses?: readonly DecisionStatus[] | undefined;
  /**
   * `paper` (default): the paper's App. C prompt, with the full function list and JSON lists.
   * `compact`: the same inputs and the same answer in a short form for small models with a short
   * context (the project's own LAM): a two-line system message naming the functions, one line per
   * control (`[3] Button "Bold"`), one line per previous step, one line per planned step; the answer
   * names the control before its label (see {@link formatDecisionOutput}). Both show the document's
   * lines after the request when `document` is given.
   */
  style?: 'paper' | 'compact' | undefined;
}

function compactSystem(options: DecisionRenderOptions): string {
  const statuses = options.statuses ?? ['CONTINUE', 'FINISH'];
  const functions = selectActions({
    registry: options.registry,
    app: options.app,
    functions: options.functions,
  })
    .map((d) => d.name)
    .filter((name) => name !== '');
  return [
    `You act in ${options.app ?? 'an application'}, one function call on one listed control per step. Reply with one JSON object: thought, control_name, control_label, function, args, status (${statuses.join(' or ')}), plan.`,
    `Functions: ${functions.join(', ')}.`,
  ].join('\n');
}

function compactUser(inputs: z.output<typeof DecisionPromptInputs>): string {
  const plan = inputs.previousPlan.map((step) => `- ${step}`).join('\n');
  return [
    `Request: ${inputs.request}`,
    ...(inputs.document.length > 0 ? [`Document:\n${inputs.document.join('\n')}`] : []),
    `Controls:\n${formatCompactControls(inputs.controls)}`,
    `Done:${inputs.stepHistory.length === 0 ? ' nothing yet' : `\n${formatCompactHistory(inputs.stepHistory)}`}`,
    `Plan:${plan === '' ? ' none' : `\n${plan}`}`,
  ].join('\n');
}

function system(options: DecisionRenderOptions): string {
  const statuses = options.statuses ?? ['CONTINUE', 'FINISH'];
  return `You are a UI assistant. You complete a user's request in a desktop or web application by acting on its controls, one action per step.

At each step you are given:
- <Available Control Item:> the controls you can act on, as a JSON list; each has a "label", its text ("control_text") and its type ("control_type");
- <User Request:> the request to complete;
- <Previous Actions:> the actions already taken, in order, with their results;
- <Previous Plans:> the plan you made at the previous step, that is, the actions you then meant to take next.

At this step:
1. Choose one control from the list and one function to call on it. Call exactly one function, exactly once.
2. Decide whether the request is complete once this action has run.
3. Plan the actions that remain after this one. Plan only what the request asks for.

The control types are:
${glossaryFor(options)}

You act on the controls through these functions:
${apisFor(options, { verbosity: 'full', convention: 'lam' })}

The status is one of:
${formatStatuses(statuses)}

Reply with one JSON object and nothing else. Its keys are:
- "thought": your reasoning for this step only, in one or two sentences.
- "control_label": the label of the chosen control, copied from the list; "" when no control is needed or the request is complete.
- "control_name": the control_text of that control, exactly as in the list; "" when control_label is "".
- "function": the name of the function to call; "" when no action is needed.
- "args": the arguments of the function as a JSON object; {} when it takes none.
- "status": ${statuses.map((s) => `"${s}"`).join(' or ')}.
- "plan": the actions that remain after this one, as a list of short sentences; [] when the status is "FINISH".`;
}

function user(inputs: z.output<typeof DecisionPromptInputs>): string {
  return [
    `<Available Control Item:> ${formatControlList(inputs.controls)}`,
    `<User Request:> ${inputs.request}`,
    ...(inputs.document.length > 0 ? [`<Document:>\n${inputs.document.join('\n')}`] : []),
    `<Previous Actions:> ${formatStepHistory(inputs.stepHistory)}`,
    `<Previous Plans:> ${formatPlan(inputs.previousPlan)}`,
  ].join('\n');
}

/**
 * The LAM decision prompt of the paper's App. C: a system message with the control-type
 * glossary, the function list (from the action registry) and the seven output keys; a user
 * message with the controls, the request, the step history and the previous plan. The same
 * text serves for training samples and at inference. Its answer parses with `parseDecision`.
 */
export const lamDecisionTemplate = definePromptTemplate<
  typeof DecisionPromptInputs,
  Decision,
  ParseDecisionOptions,
  DecisionRenderOptions
>({
  id: 'lam-decision',
  version: '1.3.0',
  title: 'LAM decision: one step of control, function, status and plan (paper App. C)',
  stages: ['post-processing', 'training', 'offline-evaluation', 'inference', 'online-evaluation'],
  inputs: DecisionPromptInputs,
  render: (inputs, options) =>
    options.style === 'compact'
      ? [
          { role: 'system', content: compactSystem(options) },
          { role: 'user', content: compactUser(inputs) },
        ]
      : [
          { role: 'system', content: system(options) },
          { role: 'user', content: user(inputs) },
        ],
  parse: (text, options) => parseDecision(text, options),
});

/** Renders the decision prompt (system and user messages) for one step: what a model is given at inference. */
export function renderDecisionPrompt(
  inputs: DecisionPromptInputs,
  options: DecisionRenderOptions = {},
): PromptMessage[] {
  return lamDecisionTemplate.render(inputs, options);
}

/** The inputs of a decision training sample: the prompt inputs and the decision the model should give. */
export const DecisionSampleInputs = DecisionPromptInputs.extend({ output: Decision });
export type DecisionSampleInputs = z.input<typeof DecisionSampleInputs>;

/**
 * The assistant text of a decision: the paper's seven keys (`thought, control_label,
 * control_name, function, args, status, plan`) as one line of JSON. `comment`, `questions`
 * and `observation` have no place in that format and are left out. In the `compact` style the
 * control's name comes before its label: a small model writes the name of the control it means, and
 * a decoding constraint tied to the listed controls then gives the label that goes with it.
 */
export function formatDecisionOutput(
  decision: Decision,
  options: Pick<DecisionRenderOptions, 'style'> = {},
): string {
  const out = toLamOutput(decision);
  if (options.style !== 'compact') return formatJson(out);
  const { thought, control_name, control_label, ...rest } = out;
  return formatJson({ thought, control_name, control_label, ...rest });
}

/**
 * Renders a supervised training sample (paper App. C): the decision prompt followed by the
 * assistant message holding the decision in the paper's seven-key JSON.
 */
export function renderDecisionSample(
  inputs: DecisionSampleInputs,
  options: DecisionRenderOptions = {},
): PromptMessage[] {
  const { output, ...prompt } = validate(DecisionSampleInputs, inputs, {
    record: `inputs of the decision training sample (prompt template "lam-decision" v${lamDecisionTemplate.version})`,
  });
  return [
    ...lamDecisionTemplate.render(prompt, options),
    { role: 'assistant', content: formatDecisionOutput(output, options) },
  ];
}

/**
 * The decision-prompt inputs of one step of a recorded trajectory: the controls the step
 * saw (its observation summary must hold them), the trajectory's request, the steps before
 * it as history, and the plan of the step before it.
 * @throws {LAM_ConversionError} when the step does not exist or recorded no control list.
 */
export function decisionInputsFromTrajectory(
  trajectory: Pick<Trajectory, 'request' | 'steps'>,
  options: { step: number },
): z.output<typeof DecisionPromptInputs> {
  const position = trajectory.steps.findIndex((s) => s.index === options.step);
  const step = trajectory.steps[position];
  if (step === undefined) {
    throw new LAM_ConversionError({
      format: 'trajectory to decision prompt',
      path: ['steps'],
      reason: `there is no step with index ${options.step} (indexes: ${trajectory.steps.map((s) => s.index).join(', ') || 'none'})`,
      fix: 'Pass the index of a recorded step.',
    });
  }
  const controls = step.observation?.controls;
  if (controls === undefined) {
    throw new LAM_ConversionError({
      format: 'trajectory to decision prompt',
      path: ['steps', position, 'observation', 'controls'],
      reason: 'the step recorded no control list, so the prompt it was given cannot be rebuilt',
      fix: 'Record steps with summarizeObservation(observation) (it keeps the controls by default).',
    });
  }
  const history = trajectory.steps.slice(0, position);
  return {
    controls,
    request: trajectory.request,
    stepHistory: history,
    previousPlan: history.at(-1)?.decision.plan ?? [],
    document: [],
  };
}
