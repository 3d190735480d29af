import { type ActionRegistry, defaultActionRegistry, type FilterVerdict } from '@lam/schema';
import { z } from 'zod';
import { ControlItem, formatControlList } from '../format/controls';
import { formatJson } from '../format/json';
import { imagePart } from '../messages';
import {
  type PrefillResult,
  parseFilterVerdict,
  parsePrefill,
  parseTemplateChoice,
  type TemplateChoice,
} from '../parse/records';
import { definePromptTemplate, ScreenshotInput } from '../template';
import { apisFor, formatPlan, glossaryFor } from './shared';

/** The inputs of the template-choice prompt (PAPER.md §4.3). */
export const TemplateChoiceInputs = z.strictObject({
  /** The application the templates are for, e.g. `Word` or `LibreOffice Writer`. */
  app: z.string().min(1),
  /** Template file name → one-line description of its content (`description.json`). */
  descriptions: z.record(z.string(), z.string()).refine((d) => Object.keys(d).length > 0, {
    message: 'give at least one template description',
  }),
  /** The task to find a template for (the task text: PAPER.md §9.14 warns against the file name). */
  task: z.string().min(1),
});
export type TemplateChoiceInputs = z.input<typeof TemplateChoiceInputs>;

/**
 * Instantiation, step 1 (LLM variant): choose the template document a task will be carried
 * out on. Answer: `{"<file name>": "<reason>"}`, parsed by `parseTemplateChoice`.
 */
export const templateChoiceTemplate = definePromptTemplate<
  typeof TemplateChoiceInputs,
  TemplateChoice,
  { files?: readonly string[] }
>({
  id: 'instantiation-template-choice',
  version: '1.0.0',
  title: 'Instantiation: choose the template document for a task',
  stages: ['instantiation'],
  inputs: TemplateChoiceInputs,
  render: (inputs) => [
    {
      role: 'system',
      content: `You are an expert user of ${inputs.app}. A task will be carried out on a copy of one template document, and you choose which one.

You are given the template files with a description of what each contains, and the task. Choose the one file whose content lets the task be done most directly: the objects the task acts on (text, a table, a shape, a chart, comments) should already be in it.

Reply with one JSON object and nothing else. It has exactly one key, the chosen file name exactly as listed, and its value is your reason in one sentence: {"<file name>": "<reason>"}.`,
    },
    {
      role: 'user',
      content: `<Template Descriptions:> ${formatJson(inputs.descriptions)}\n<Given Task:> ${inputs.task}`,
    },
  ],
  parse: (text, options) => parseTemplateChoice(text, options),
});

/** An example of the prefill prompt: an abstract task and the answer for it, in UFO's keys. */
export const PrefillExample = z.strictObject({
  task: z.string(),
  response: z.strictObject({
    Observation: z.string(),
    Thought: z.string(),
    New_task: z.string(),
    Actions_plan: z.array(
      z.strictObject({
        Step: z.int(),
        Subtask: z.string(),
        ControlLabel: z.string(),
        ControlText: z.string(),
        Function: z.string(),
        Args: z.record(z.string(), z.json()),
      }),
    ),
  }),
});
export type PrefillExample = z.infer<typeof PrefillExample>;

/** The built-in examples of the prefill prompt. */
export const DEFAULT_PREFILL_EXAMPLES: readonly PrefillExample[] = [
  {
    task: 'Delete text in the document',
    response: {
      Observation: 'The document has a heading "Draft" and a paragraph that starts with "Quarterly results".',
      Thought:
        'The task does not say which text to delete; the heading "Draft" is a concrete target that exists in the document.',
      New_task: 'Delete the heading "Draft" from the document.',
      Actions_plan: [
        {
          Step: 1,
          Subtask: 'Select the heading "Draft".',
          ControlLabel: '',
          ControlText: '',
          Function: 'select_text',
          Args: { text: 'Draft' },
        },
        {
          Step: 2,
          Subtask: 'Press Delete to remove the selected text.',
          ControlLabel: '',
          ControlText: '',
          Function: 'keyboard_input',
          Args: { keys: '{DELETE}', control_focus: false },
        },
      ],
    },
  },
  {
    task: 'Highlight text',
    response: {
      Observation: 'The document contains the sentence "Budget approved in March". The Home tab is visible.',
      Thought:
        'The word "Budget" is a concrete target; highlighting needs it selected, then the highlight button of the Home tab.',
      New_task: 'Highlight the word "Budget" in the document.',
      Actions_plan: [
        {
          Step: 1,
          Subtask: 'Select the word "Budget".',
          ControlLabel: '',
          ControlText: '',
          Function: 'select_text',
          Args: { text: 'Budget' },
        },
        {
          Step: 2,
          Subtask: 'Open the Home tab.',
          ControlLabel: '5',
          ControlText: 'Home',
          Function: 'click_input',
          Args: { button: 'left', double: false },
        },
        {
          Step: 3,
          Subtask: 'Click the highlight button to highlight the selection.',
          ControlLabel: '21',
          ControlText: 'Text Highlight Color',
          Function: 'click_input',
          Args: { button: 'left', double: false },
        },
      ],
    },
  },
];

/** The inputs of the prefill prompt (paper App. B.1, PAPER.md §4.1). */
export const PrefillInputs = z.strictObject({
  /** The application, e.g. `Word` or `LibreOffice Writer`. */
  app: z.string().min(1),
  /** The abstract task of the task-plan pair (`<Given Task:>`). */
  task: z.string().min(1),
  /** Its plan (`<Reference Steps:>`). */
  referenceSteps: z.array(z.string()).default([]),
  /** The controls of the opened template (`<Doc Control State:>`). */
  controls: z.array(ControlItem).default([]),
  /** The document's content as text or XML (`<Doc Canvas State:>`); left out when absent. */
  canvasState: z.string().optional(),
  /** A screenshot of the opened template. */
  screenshot: ScreenshotInput.optional(),
  /** Examples; default: the built-in ones whose functions are all in the registry. */
  examples: z.array(PrefillExample).optional(),
});
export type PrefillInputs = z.input<typeof PrefillInputs>;

function usablePrefillExamples(examples: readonly PrefillExample[], registry: ActionRegistry) {
  return examples.filter((e) => e.response.Actions_plan.every((s) => registry.has(s.Function)));
}

/**
 * Instantiation, step 2: turn an abstract task into a concrete task on the template
 * document, with a plan of one function call per step. Answer: `{Observation, Thought,
 * New_task, Actions_plan}`, parsed by `parsePrefill`.
 */
export const prefillTemplate = definePromptTemplate<
  typeof PrefillInputs,
  PrefillResult,
  { registry?: ActionRegistry; validateArgs?: boolean }
>({
  id: 'instantiation-prefill',
  version: '1.0.0',
  title: 'Instantiation: make a task concrete on a template and plan its actions',
  stages: ['instantiation'],
  inputs: PrefillInputs,
  render: (inputs, options) => {
    const examples = usablePrefillExamples(
      inputs.examples ?? DEFAULT_PREFILL_EXAMPLES,
      options.registry ?? defaultActionRegistry,
    );
    const system = `You create tasks and plan their actions. You are given an abstract task about ${inputs.app}, reference steps for it, and the state of a document open in ${inputs.app}: its controls${inputs.canvasState === undefined ? '' : ', its content'}${inputs.screenshot === undefined ? '' : ' and a screenshot'}. Turn the task into a new, concrete task on this document, and write the plan of actions that carries it out.

The new task:
- is based on the given task; where the given task leaves a choice open, pick one option;
- can be done step by step in ${inputs.app} on this document, with the controls and functions available;
- is specific and objective: it names its targets (text, objects, values) as they appear in the document, and has no alternatives and no vague or subjective words;
- adds at most 50 words to the given task.

The plan:
- has one action per step, each a call of one of the functions below;
- gives each step a short description of what it does (Subtask);
- gives the control each step acts on: ControlText must be the exact text of a control of the document, and must not be empty when the function acts on a control; leave ControlLabel and ControlText empty when the function needs no control;
- contains no explanations.

The control types are:
${glossaryFor(options)}

The functions are:
${apisFor(options, { verbosity: 'summary', convention: 'dataflow' })}

${examples.length === 0 ? 'No examples are available.' : `Examples:\n${examples.map((e) => `Given task: ${e.task}\nResponse: ${formatJson(e.response)}`).join('\n\n')}`}

Reply with one JSON object and nothing else. Its keys are:
- "Observation": what the document state shows that matters for the task.
- "Thought": how you make the task concrete and plan it.
- "New_task": the concrete task.
- "Actions_plan": the list of steps, each {"Step": <number from 1>, "Subtask": "...", "ControlLabel": "...", "ControlText": "...", "Function": "...", "Args": {...}}.`;
    const lines = [
      `<Given Task:> ${inputs.task}`,
      `<Reference Steps:> ${formatPlan(inputs.referenceSteps)}`,
      `<Doc Control State:> ${formatControlList(inputs.controls)}`,
    ];
    if (inputs.canvasState !== undefined) lines.push(`<Doc Canvas State:> ${inputs.canvasState}`);
    const text = lines.join('\n');
    return [
      { role: 'system', content: system },
      {
        role: 'user',
        content:
          inputs.screenshot === undefined
            ? text
            : [
                { type: 'text', text: 'Screenshot of the document:' },
                imagePart(inputs.screenshot),
                { type: 'text', text },
              ],
      },
    ];
  },
  parse: (text, options) => parsePrefill(text, options),
});

/** The inputs of the filter prompt (PAPER.md §4.2). */
export const FilterInputs = z.strictObject({
  /** The application the task must stay within, e.g. `Word`. */
  app: z.string().min(1),
  /** The instantiated task to judge. */
  task: z.string().min(1),
});
export type FilterInputs = z.input<typeof FilterInputs>;

/**
 * Instantiation, step 3: judge whether a concrete task can be done locally, in the
 * application alone. Answer `{judge, thought, type}`, parsed by `parseFilterVerdict`.
 */
export const filterTemplate = definePromptTemplate<typeof FilterInputs, FilterVerdict>({
  id: 'instantiation-filter',
  version: '1.0.0',
  title: 'Instantiation: keep only tasks that can run locally in the application',
  stages: ['instantiation'],
  inputs: FilterInputs,
  render: (inputs) => [
    {
      role: 'system',
      content: `You judge tasks. Decide whether the task can be carried out on this computer, in ${inputs.app} alone, as it is written.

The answer is false, with a type, when:
- "Non_task": the task is not a concrete task: it is subjective ("as you like", "a custom style"), or its target is unspecified (it says "the text" without giving the text);
- "App_involve": it needs another application, a web service or a plug-in besides ${inputs.app};
- "Env": it needs a change of the environment, such as installing, upgrading or downgrading ${inputs.app};
- "Others": it cannot be done for another reason.
Otherwise the answer is true, with type "None".

Reply with one JSON object and nothing else: {"judge": true or false, "thought": "<your reasoning in one or two sentences>", "type": "None" | "Non_task" | "App_involve" | "Env" | "Others"}.`,
    },
    { role: 'user', content: `<Task:> ${inputs.task}` },
  ],
  parse: (text) => parseFilterVerdict(text),
});
