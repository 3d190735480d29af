import { type ExecutionEvaluation, formatActionCall, Step, type TaskActionEvaluation } from '@lam/schema';
import { z } from 'zod';
import { type ControlTreeInput, toControlTree } from '../format/controls';
import { toHistoryItem } from '../format/history';
import { formatJson } from '../format/json';
import { type ContentPart, imagePart, type PromptMessage } from '../messages';
import { parseExecutionEvaluation, parseTaskActionEvaluation } from '../parse/records';
import { definePromptTemplate, ScreenshotInput } from '../template';
import { apisFor } from './shared';

const ControlTree: z.ZodType<ControlTreeInput> = z.lazy(() =>
  z.object({
    label: z.string(),
    name: z.string(),
    type: z.string(),
    states: z.object({ selected: z.boolean().optional(), checked: z.boolean().optional() }).optional(),
    children: z.array(ControlTree).optional(),
  }),
);

/** One action of a trajectory as the task-action evaluator sees it: `{number, action}`. */
export const TrajectoryAction = z.strictObject({ number: z.int().positive(), action: z.string() });
export type TrajectoryAction = z.infer<typeof TrajectoryAction>;

/** A control state: a control tree (rendered in the evaluator's hybrid form) or text already formatted. */
const ControlState = z.union([z.string(), ControlTree, z.array(ControlTree)]);

/** The inputs of the paper's task-action evaluation prompt (App. B.2, PAPER.md §4.4). */
export const TaskActionEvaluationInputs = z.strictObject({
  /** The request the trajectory was meant to complete (`<Original Request>`). */
  request: z.string().min(1),
  /** The executor's or planner's thought about the task, if any. */
  thought: z.string().default(''),
  /** The actions taken: recorded steps, or `{number, action}` items. */
  trajectory: z.array(z.union([TrajectoryAction, Step])),
  /** The difference between the document before and after, as text or XML. */
  canvasDiff: z.string().default(''),
  initControlState: ControlState.optional(),
  finalControlState: ControlState.optional(),
  /** The final document content (`<Final Env Status>`). */
  finalEnvStatus: z.string().default(''),
  screenshots: z
    .strictObject({ before: ScreenshotInput.optional(), after: ScreenshotInput.optional() })
    .default({}),
});
export type TaskActionEvaluationInputs = z.input<typeof TaskActionEvaluationInputs>;

function actionOf(step: Step): string {
  const d = step.decision;
  const call = d.function === '' ? '(no action)' : formatActionCall({ function: d.function, args: d.args });
  return d.controlName === '' ? call : `${call} on "${d.controlName}"`;
}

function formatControlState(state: z.output<typeof ControlState> | undefined): string {
  if (state === undefined) return '(not captured)';
  if (typeof state === 'string') return state;
  return formatJson(Array.isArray(state) ? state.map(toControlTree) : toControlTree(state));
}

/**
 * The paper's task-action evaluator (App. B.2): did the trajectory complete the request,
 * judged from the canvas diff, the control states and the screenshots, and is the request
 * itself well posed? Answer parsed by `parseTaskActionEvaluation`.
 */
export const taskActionEvaluationTemplate = definePromptTemplate<
  typeof TaskActionEvaluationInputs,
  TaskActionEvaluation
>({
  id: 'task-action-evaluation',
  version: '1.0.0',
  title: 'Evaluation of an executed task-action trajectory (paper App. B.2)',
  stages: ['execution-evaluation'],
  inputs: TaskActionEvaluationInputs,
  render: (inputs, options) => {
    const system = `You evaluate an agent's work. The agent executed a sequence of actions in an application to complete a request. Judge whether the request was completed, and whether the request itself is well written.

You are given the request, the agent's thought, the actions it executed, the difference between the document before and after, the control states before and after (as trees of {"control_label", "control_text", "control_type", "selected", "children"}), the final document content, and screenshots before and after when available.

The request is complete only if:
- the final control states and document content show every change the request asks for;
- the executed actions are consistent with the request, with no action that works against it;
- no action is empty: a trajectory with an empty action is not complete.
When the evidence does not settle it, answer "unsure".

The request is of good quality unless:
- it is ambiguous: it can be read in more than one way, such as "the selection" without saying what is selected;
- it is over detailed: it spells out the clicks step by step instead of stating the goal.

The agent could use these functions:
${apisFor(options, { verbosity: 'summary', convention: 'lam' })}

Reply with one JSON object and nothing else: {"task_quality": "ambiguous" | "over detailed" | "good", "task_complete": "yes" | "no" | "unsure", "complete_judgement": "<why the request is or is not complete>", "quality_judgement": "<why the request has this quality>"}.`;
    const trajectory = inputs.trajectory.map((item) =>
      'number' in item ? item : { number: item.index, action: actionOf(item) },
    );
    const text = [
      `<Original Request:> ${inputs.request}`,
      `<Thought:> ${inputs.thought}`,
      `<Execution Trajectory:> ${formatJson(trajectory)}`,
      `<Canvas Diff:> ${inputs.canvasDiff}`,
      `<Init Control State:> ${formatControlState(inputs.initControlState)}`,
      `<Final Control State:> ${formatControlState(inputs.finalControlState)}`,
      `<Final Env Status:> ${inputs.finalEnvStatus}`,
    ].join('\n');
    const { before, after } = inputs.screenshots;
    const parts: ContentPart[] = [];
    if (before !== undefined)
      parts.push({ type: 'text', text: 'Screenshot before the actions:' }, imagePart(before));
    if (after !== undefined)
      parts.push({ type: 'text', text: 'Screenshot after the actions:' }, imagePart(after));
    const content: PromptMessage['content'] = parts.length === 0 ? text : [...parts, { type: 'text', text }];
    return [
      { role: 'system', content: system },
      { role: 'user', content },
    ];
  },
  parse: (text) => parseTaskActionEvaluation(text),
});

/** One step as UFO's evaluation prompt shows it. */
export const EvaluationStepItem = z.looseObject({
  Step: z.int().positive(),
  Subtask: z.string().optional(),
  Observation: z.string().optional(),
  Thought: z.string().optional(),
  ControlLabel: z.string().optional(),
  ControlText: z.string().optional(),
  Action: z.string().optional(),
  Plan: z.array(z.string()).optional(),
  Comment: z.string().optional(),
  Results: z.string().optional(),
  Application: z.string().optional(),
});
export type EvaluationStepItem = z.infer<typeof EvaluationStepItem>;

/** Converts a recorded step to the item UFO's evaluation prompt shows. */
export function toEvaluationStepItem(step: Step): EvaluationStepItem {
  const history = toHistoryItem(step);
  const d = step.decision;
  return {
    Step: step.index,
    Subtask: step.subtask ?? '',
    Observation: d.observation ?? '',
    Thought: d.thought,
    ControlLabel: d.controlLabel,
    ControlText: d.controlName,
    Action: history.Action,
    Plan: d.plan,
    Comment: d.comment ?? '',
    Results: history.Results,
    Application: step.observation?.application ?? '',
  };
}

/** A screenshot shown to the evaluator, with what it shows. */
export const CaptionedScreenshot = z.strictObject({ caption: z.string(), image: ScreenshotInput });
export type CaptionedScreenshot = z.infer<typeof CaptionedScreenshot>;

/** The inputs of UFO's evaluation prompt (`evaluate.yaml`, PAPER.md §4.4). */
export const ExecutionEvaluationInputs = z.strictObject({
  request: z.string().min(1),
  /** The steps taken: recorded steps, or items with UFO's keys. */
  steps: z.array(z.union([Step, EvaluationStepItem])),
  /** Screenshots: each step's selected-control shot and the final one, or only the first and last. */
  screenshots: z.array(CaptionedScreenshot).default([]),
});
export type ExecutionEvaluationInputs = z.input<typeof ExecutionEvaluationInputs>;

/**
 * UFO's evaluation agent: did the trajectory complete the request? The judge chooses its own
 * sub-criteria from the request and scores each. Answer `{reason, sub_scores, complete}`,
 * parsed by `parseExecutionEvaluation`. Only `complete: "yes"` counts as a success.
 */
export const executionEvaluationTemplate = definePromptTemplate<
  typeof ExecutionEvaluationInputs,
  ExecutionEvaluation
>({
  id: 'execution-evaluation',
  version: '1.0.0',
  title: "Evaluation of a trajectory against its request (UFO's evaluation agent)",
  stages: ['execution-evaluation', 'online-evaluation'],
  inputs: ExecutionEvaluationInputs,
  render: (inputs, options) => {
    const system = `You evaluate whether an agent completed a user's request in an application. You are given the request, the trajectory of steps the agent took (for each: its sub-task, observation, thought, the control it chose, the action, its plan, its comment and the result), and screenshots taken along the way.

First break the request down into the criteria that a complete answer must meet, chosen from the request itself. Score each criterion "yes", "no" or "unsure" from the evidence. Then judge the whole request: "yes" only if every criterion is met; "unsure" when the evidence cannot tell.

The agent could use these functions:
${apisFor(options, { verbosity: 'summary', convention: 'ufo' })}

Reply with one JSON object and nothing else: {"reason": "<your reasoning>", "sub_scores": {"<criterion>": "yes" | "no" | "unsure", ...}, "complete": "yes" | "no" | "unsure"}.`;
    const steps = inputs.steps.map((s) => ('decision' in s ? toEvaluationStepItem(s as Step) : s));
    const text = `<Original Request:> ${inputs.request}\n<Execution Trajectory:> ${formatJson(steps)}`;
    const parts: ContentPart[] = inputs.screenshots.flatMap((s) => [
      { type: 'text' as const, text: `${s.caption}:` },
      imagePart(s.image),
    ]);
    return [
      { role: 'system', content: system },
      { role: 'user', content: parts.length === 0 ? text : [...parts, { type: 'text', text }] },
    ];
  },
  parse: (text) => parseExecutionEvaluation(text),
});
