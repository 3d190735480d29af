import { z } from 'zod';
import { type ExtractedTaskPlan, parseEvolvedTask, parseTaskPlanExtraction } from '../parse/records';
import { definePromptTemplate } from '../template';
import { formatPlan } from './shared';

/** The inputs of task-plan extraction (paper §3.1, PAPER.md §4.8). */
export const TaskPlanExtractionInputs = z.strictObject({
  /** The application the tasks are about, e.g. `Word`. */
  app: z.string().min(1),
  /**
   * Where the text comes from: a help document (`docs`), a how-to article (`wikihow`), or a
   * search query (`search`), which is first rewritten into a complete request.
   */
  source: z.enum(['docs', 'wikihow', 'search']).default('docs'),
  /** The document's title, if any. */
  title: z.string().optional(),
  /** The document as Markdown or text, or the search query. */
  document: z.string().min(1),
});
export type TaskPlanExtractionInputs = z.input<typeof TaskPlanExtractionInputs>;

const SOURCE_TEXT = {
  docs: 'a help document',
  wikihow: 'a how-to article',
  search: 'a search query',
} as const;

/**
 * Task-plan collection (paper §3.1): extract the tasks a help document or how-to article
 * teaches, each with its plan, or rewrite a search query into a complete request with a
 * plan. Answer `{"tasks": [{"task", "plan"}]}`, parsed by `parseTaskPlanExtraction`.
 */
export const taskPlanExtractionTemplate = definePromptTemplate<
  typeof TaskPlanExtractionInputs,
  ExtractedTaskPlan[]
>({
  id: 'task-plan-extraction',
  version: '1.0.0',
  title: 'Task-plan collection: extract requests and their plans from a help document or a query',
  stages: ['task-plan-collection'],
  inputs: TaskPlanExtractionInputs,
  render: (inputs) => {
    const search = inputs.source === 'search';
    const system = `You build training data for an assistant that operates ${inputs.app}. You are given ${SOURCE_TEXT[inputs.source]}. ${
      search
        ? `Rewrite the query as the complete request a user would make to the assistant, in one sentence, and write the plan that carries it out in ${inputs.app}.`
        : `Find every task it teaches that a user could ask the assistant to do in ${inputs.app}, and write each as a request with the plan that carries it out.`
    }

Each task:
- is a request in English, in one sentence, that makes sense without the document;
- can be done in the desktop application ${inputs.app}, step by step with mouse and keyboard;
- is not about another device (a phone, a tablet), the web version, or another application.

Each plan:
- lists the steps in order, one short sentence each, numbered "1.", "2.", ...;
- names the user-interface elements the steps act on (tabs, buttons, menus, boxes) and writes them in bold, like **Design**;
- follows the ${search ? 'usual way to do it' : 'document'}, without adding steps of your own${search ? '' : ' beyond what it says'}.

${search ? 'If the query asks for nothing that can be done in the application, reply with an empty list.' : 'If the document teaches no such task, reply with an empty list.'}

Reply with one JSON object and nothing else: {"tasks": [{"task": "<the request>", "plan": ["1. ...", "2. ..."]}]}.`;
    const header = inputs.title === undefined ? '' : `<Title:> ${inputs.title}\n`;
    const label = search ? '<Query:>' : '<Document:>';
    return [
      { role: 'system', content: system },
      { role: 'user', content: `${header}${label}\n${inputs.document}` },
    ];
  },
  parse: (text) => parseTaskPlanExtraction(text),
});

/** The inputs of data evolution (paper §3.1.4, PAPER.md §4.8). */
export const DataEvolutionInputs = z.strictObject({
  app: z.string().min(1),
  /** The task to evolve. */
  task: z.string().min(1),
  /** Its plan. */
  plan: z.array(z.string()).min(1),
  /** How many words the evolved task may add (the paper: 20). */
  maxExtraWords: z.int().positive().default(20),
});
export type DataEvolutionInputs = z.input<typeof DataEvolutionInputs>;

/**
 * Data evolution (paper §3.1.4): make a task-plan pair harder by adding requirements,
 * keeping it executable step by step. Answer `{"task", "plan"}`, parsed by `parseEvolvedTask`.
 */
export const dataEvolutionTemplate = definePromptTemplate<typeof DataEvolutionInputs, ExtractedTaskPlan>({
  id: 'data-evolution',
  version: '1.0.0',
  title: 'Data evolution: a harder task-plan pair from a given one',
  stages: ['data-evolution'],
  inputs: DataEvolutionInputs,
  render: (inputs) => [
    {
      role: 'system',
      content: `You write harder versions of tasks for an assistant that operates ${inputs.app}. You are given a task and its plan. Write a new task that builds on it with more requirements, and the plan for the new task.

The new task:
- still has to be done step by step in ${inputs.app} on a computer;
- adds one or more concrete requirements, in at most ${inputs.maxExtraWords} more words than the given task;
- stays short, clear, and about the same subject as the given task.

The new plan:
- gives correct steps that can be carried out in ${inputs.app}, in order, one short sentence each, numbered "1.", "2.", ...;
- writes the user-interface elements and key objects the steps act on in bold, like **Data Validation**;
- has no explanations.

Example:
Given task: "Sort a list in Excel"
Given plan: ["1. Select the list.", "2. On the **Data** tab, click **Sort A to Z**."]
Response: {"task": "Sort a list in Excel by the second column, largest value first, keeping each row together", "plan": ["1. Select the whole table, headers included.", "2. On the **Data** tab, click **Sort**.", "3. In **Sort by**, choose the second column.", "4. In **Order**, choose **Largest to Smallest**.", "5. Click **OK**."]}

Reply with one JSON object and nothing else: {"task": "<the new task>", "plan": ["1. ...", "2. ..."]}.`,
    },
    { role: 'user', content: `<Given Task:> ${inputs.task}\n<Given Plan:> ${formatPlan(inputs.plan)}` },
  ],
  parse: (text) => parseEvolvedTask(text),
});
