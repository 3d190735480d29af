import { type ActionRegistry, type Decision, DecisionStatus, defaultActionRegistry } from '@lam/schema';
import { z } from 'zod';
import { ControlItem, formatControlList } from '../format/controls';
import { formatStepHistory, HistoryEntry } from '../format/history';
import { formatJson } from '../format/json';
import { type ContentPart, imagePart, type PromptMessage } from '../messages';
import { type ParseDecisionOptions, parseDecision } from '../parse/decision';
import { definePromptTemplate, type RenderOptions, ScreenshotInput } from '../template';
import { apisFor, formatPlan, formatStatuses, glossaryFor } from './shared';

/** An example answer shown in the AppAgent prompt: a request, a sub-task and the response in UFO keys. */
export const AppAgentExample = z.strictObject({
  request: z.string(),
  subtask: z.string(),
  response: z.record(z.string(), z.json()),
});
export type AppAgentExample = z.infer<typeof AppAgentExample>;

/** The inputs of UFO's AppAgent prompt (PAPER.md §4.6). */
export const AppAgentPromptInputs = z
  .strictObject({
    /** `visual`: screenshots come with the text; `nonvisual`: text only. */
    mode: z.enum(['visual', 'nonvisual']).default('nonvisual'),
    controls: z.array(ControlItem),
    /** The overall user request. */
    request: z.string().min(1),
    /** The sub-task the HostAgent assigned; defaults to the request. */
    subtask: z.string().optional(),
    /** The application worked on, e.g. `WINWORD.EXE` or `soffice-writer`. */
    application: z.string().default(''),
    /** Sub-tasks finished before this one, with their results. */
    previousSubtasks: z.array(z.strictObject({ subtask: z.string(), result: z.string() })).default([]),
    /** Messages from the HostAgent. */
    hostMessage: z.array(z.string()).default([]),
    /** The plan of the previous step. */
    previousPlan: z.array(z.string()).default([]),
    /** The steps taken so far. */
    stepHistory: z.array(HistoryEntry).default([]),
    /** Retrieved help documents or search results, already formatted; `""` for none. */
    retrievedDocs: z.string().default(''),
    /** Screenshots (visual mode): the previous step's, the current clean one, the annotated one, or clean and annotated side by side. */
    screenshots: z
      .strictObject({
        lastStep: ScreenshotInput.optional(),
        current: ScreenshotInput.optional(),
        annotated: ScreenshotInput.optional(),
        concat: ScreenshotInput.optional(),
      })
      .default({}),
    /** Extra tips for the model, one per item. */
    tips: z.array(z.string()).default([]),
    /** Example answers; default: built-in examples whose functions are all in the registry. */
    examples: z.array(AppAgentExample).optional(),
  })
  .refine(
    (i) =>
      i.mode === 'nonvisual' || i.screenshots.current !== undefined || i.screenshots.concat !== undefined,
    {
      message:
        'visual mode needs screenshots.current or screenshots.concat; give one, or use mode "nonvisual"',
      path: ['screenshots'],
    },
  );
export type AppAgentPromptInputs = z.input<typeof AppAgentPromptInputs>;

/** Render options of the AppAgent prompt. */
export interface AppAgentRenderOptions extends RenderOptions {
  /** The statuses offered; default all of `DecisionStatus` (CONTINUE, FINISH, FAIL, CONFIRM, PENDING). */
  statuses?: readonly DecisionStatus[] | undefined;
}

/** The built-in examples of the AppAgent prompt. */
export const DEFAULT_APP_AGENT_EXAMPLES: readonly AppAgentExample[] = [
  {
    request: 'Make the title of the document bold.',
    subtask: 'Select the title "Annual report" and make it bold.',
    response: {
      Observation:
        'The document shows the title "Annual report"; the Bold button (label 12) is on the Home tab.',
      Thought:
        'The title has to be selected before it can be made bold, and select_text does that without a control.',
      ControlLabel: '',
      ControlText: '',
      Function: 'select_text',
      Args: { text: 'Annual report' },
      Status: 'CONTINUE',
      Plan: ['Click the Bold button (label 12) to make the selection bold.'],
      Comment: 'Selecting the title first.',
    },
  },
  {
    request: 'Make the title of the document bold.',
    subtask: 'Select the title "Annual report" and make it bold.',
    response: {
      Observation: 'The title "Annual report" is selected.',
      Thought: 'Clicking Bold now applies bold to the selected title, which completes the sub-task.',
      ControlLabel: '12',
      ControlText: 'Bold',
      Function: 'click_input',
      Args: { button: 'left', double: false },
      Status: 'FINISH',
      Plan: ['<FINISH>'],
      Comment: 'The title is bold.',
    },
  },
  {
    request: 'Delete the draft file report-old.docx from the folder.',
    subtask: 'Delete report-old.docx.',
    response: {
      Observation: 'The file list shows report-old.docx (label 7).',
      Thought: 'Deleting a file cannot be undone, so the user must confirm this action first.',
      ControlLabel: '7',
      ControlText: 'report-old.docx',
      Function: 'keyboard_input',
      Args: { keys: '{DELETE}', control_focus: true },
      Status: 'CONFIRM',
      Plan: ['<FINISH>'],
      Comment: 'Asking the user before deleting report-old.docx.',
    },
  },
];

function usableExamples(
  examples: readonly AppAgentExample[],
  registry: ActionRegistry,
  statuses: readonly string[],
) {
  return examples.filter((e) => {
    const fn = e.response.Function;
    const status = e.response.Status;
    return (
      typeof fn === 'string' && registry.has(fn) && (typeof status !== 'string' || statuses.includes(status))
    );
  });
}

function system(inputs: z.output<typeof AppAgentPromptInputs>, options: AppAgentRenderOptions): string {
  const visual = inputs.mode === 'visual';
  const statuses = options.statuses ?? DecisionStatus.options;
  const registry = options.registry ?? defaultActionRegistry;
  const examples = usableExamples(inputs.examples ?? DEFAULT_APP_AGENT_EXAMPLES, registry, statuses);
  const given = [
    visual
      ? '- screenshots of the application: the current one, the same one with each control marked by its label, and the one of the previous step with the control acted on outlined in red;'
      : undefined,
    '- <Available Control Item:> the controls you can act on, each with its label, text and type;',
    '- the overall user request, the results of earlier sub-tasks, and the sub-task for you to complete;',
    '- messages from the HostAgent, and <Your Next Plan:>, the plan you made at the previous step;',
    '- <Step Trajectories Completed Previously:> the actions already taken for this sub-task, with their results;',
    '- sometimes help documents or search results, which are reference material only.',
  ].filter((l) => l !== undefined);
  const guidelines = [
    `Do not repeat an action that has already had its effect: check the step history${visual ? ' and compare the screenshots' : ''}.`,
    'ControlText must be the text of the control whose label you give in ControlLabel.',
    'Use the Results of earlier steps when you write text, such as a summary or an answer.',
    `Treat help documents and search results as hints: the controls${visual ? ' and the screenshots' : ''} show the real state.`,
    'If UserConfirm of a step is "No", the user declined that action: do not try it again, and finish the sub-task.',
    'If the request asks a question, answer it in Comment and set the status to "FINISH".',
    'When the rest of the work belongs to another application, set the status to "FINISH" so that the HostAgent can switch.',
    ...inputs.tips,
  ];
  const keys = [
    `- "Observation": what you see ${visual ? 'in the screenshots' : 'in the control list'} that matters for this step.`,
    '- "Thought": your reasoning for this step only; with "CONFIRM", why the action is sensitive.',
    '- "ControlLabel": the label of the chosen control, copied from the list; "" when no control is needed.',
    '- "ControlText": the text of that control, exactly as in the list; "" when ControlLabel is "".',
    '- "Function": the name of the function to call; "" when no action is needed.',
    '- "Args": the arguments of the function as a JSON object; {} when it takes none.',
    `- "Status": ${statuses.map((s) => `"${s}"`).join(', ')}.`,
    '- "Plan": the steps that remain after this one, as a list; ["<FINISH>"] when the sub-task is complete.',
    '- "Comment": a short note on progress, the answer to a question, or why the sub-task failed.',
  ];
  if (visual) {
    keys.push(
      '- "SaveScreenshot": {"save": true or false, "reason": "..."}: whether this screenshot should be kept for later steps, and why.',
    );
  }
  if (statuses.includes('PENDING'))
    keys.push('- "Questions": with "PENDING" only, the list of questions for the user.');
  return `You are the AppAgent of a UI automation system. The HostAgent has given you a sub-task of the user's request, to complete in one application by acting on its controls, one action per step.

At each step you are given:
${given.join('\n')}

The control types are:
${glossaryFor(options)}

You act on the controls through these functions:
${apisFor(options, { verbosity: 'full', convention: 'ufo' })}

The status is one of:
${formatStatuses(statuses)}

Guidelines:
${guidelines.map((g) => `- ${g}`).join('\n')}

${examples.length === 0 ? 'No examples are available.' : `Examples:\n${examples.map((e) => `Request: ${e.request}\nSub-task: ${e.subtask}\nResponse: ${formatJson(e.response)}`).join('\n\n')}`}

Reply with one JSON object and nothing else: strict JSON that a program reads. Its keys are:
${keys.join('\n')}`;
}

function userText(inputs: z.output<typeof AppAgentPromptInputs>): string {
  const lines = [
    `<Step Trajectories Completed Previously:> ${formatStepHistory(inputs.stepHistory)}`,
    `<Available Control Item:> ${formatControlList(inputs.controls)}`,
    `<Overall User Request:> ${inputs.request}`,
    `<Previous Sub-tasks Results:> ${formatJson(inputs.previousSubtasks)}`,
    `<Sub-task for you to complete:> ${inputs.subtask ?? inputs.request}`,
    `<Current Application You are Working on:> ${inputs.application}`,
    `<Message and Information from the HostAgent:> ${formatPlan(inputs.hostMessage)}`,
    `<Your Next Plan:> ${formatPlan(inputs.previousPlan)}`,
  ];
  if (inputs.retrievedDocs.trim() !== '') lines.unshift(inputs.retrievedDocs.trim());
  return lines.join('\n');
}

function userContent(inputs: z.output<typeof AppAgentPromptInputs>): PromptMessage['content'] {
  if (inputs.mode === 'nonvisual') return userText(inputs);
  const parts: ContentPart[] = [];
  const { lastStep, current, annotated, concat } = inputs.screenshots;
  if (lastStep !== undefined)
    parts.push({ type: 'text', text: 'Screenshot for the last step:' }, imagePart(lastStep));
  if (concat !== undefined) {
    parts.push(
      { type: 'text', text: 'Current Screenshots (left: clean, right: annotated):' },
      imagePart(concat),
    );
  } else {
    if (current !== undefined) parts.push({ type: 'text', text: 'Current Screenshots:' }, imagePart(current));
    if (annotated !== undefined)
      parts.push({ type: 'text', text: 'Annotated Screenshot:' }, imagePart(annotated));
  }
  parts.push({ type: 'text', text: userText(inputs) });
  return parts;
}

/**
 * UFO's AppAgent prompt (visual and non-visual), used by general-purpose models as the
 * baseline and to record expert trajectories. Its answer uses UFO's PascalCase keys and
 * parses with `parseDecision` into the same `Decision` as the LAM's.
 */
export const ufoAppAgentTemplate = definePromptTemplate<
  typeof AppAgentPromptInputs,
  Decision,
  ParseDecisionOptions,
  AppAgentRenderOptions
>({
  id: 'ufo-app-agent',
  version: '1.0.0',
  title: "UFO AppAgent step prompt, visual or text-only (general-purpose models' baseline)",
  stages: ['inference', 'online-evaluation', 'offline-evaluation'],
  inputs: AppAgentPromptInputs,
  render: (inputs, options) => [
    { role: 'system', content: system(inputs, options) },
    { role: 'user', content: userContent(inputs) },
  ],
  parse: (text, options) => parseDecision(text, { convention: 'ufo', ...options }),
});
