import { dataEvolutionTemplate, messageText } from '@lam/prompts';
import type { LanguageModel } from '@lam/runtime';
import { LamError, TaskPlanPair, validate } from '@lam/schema';
import { taskIdFor } from '../extract/task-plan';

/** The paper's limit on the requirements an evolved task adds (PAPER.md §4.8). */
export const MAX_EXTRA_WORDS = 20;

const STOP = new Set(
  'a an the to of in on for and or with from into by as at your you that this text document documents all some using use new'.split(
    ' ',
  ),
);

function words(text: string): string[] {
  return text.split(/\s+/).filter((w) => w !== '');
}

/** The content words of a task (lower case, no stop words), used to judge that two tasks are related. */
export function topicWords(task: string): Set<string> {
  return new Set(
    words(task.toLowerCase().replace(/[^a-z0-9\s-]/g, ' ')).filter((w) => w.length > 3 && !STOP.has(w)),
  );
}

function hasBold(plan: readonly string[]): boolean {
  return plan.some((s) => /\*\*[^*]+\*\*/.test(s));
}

function stripNumber(step: string): string {
  return step.replace(/^\s*\d+[.)]\s*/, '');
}

/** Checks the paper's constraints on an evolved pair; returns what is wrong, or undefined when it holds. */
export function evolutionProblem(
  base: TaskPlanPair,
  evolved: { task: string; plan: string[] },
): string | undefined {
  const added = words(evolved.task).length - words(base.task).length;
  if (added <= 0) return 'the evolved task adds no requirement';
  if (added > MAX_EXTRA_WORDS) return `the evolved task adds ${added} words, more than ${MAX_EXTRA_WORDS}`;
  if (evolved.plan.length <= 0) return 'the evolved plan is empty';
  if (!hasBold(evolved.plan)) return 'the evolved plan marks no action object in bold';
  const shared = [...topicWords(base.task)].some((w) => topicWords(evolved.task).has(w));
  if (!shared) return 'the evolved task is not about the same subject as the given one';
  return undefined;
}

/** Options of {@link composeTasks}. */
export interface ComposeOptions {
  /** Most evolved pairs per given pair (default 1). */
  perPair?: number;
  /** Most evolved pairs in all (default: no limit). */
  limit?: number;
}

/**
 * Rule-based data evolution (paper §3.1.4, offline): a harder task made of a task and a related
 * one of the same app ("Insert a table with a menu command, then apply an AutoFormat to the
 * table"), its plan the two plans in order. Only pairs whose plans are already executable step
 * lists with bold action objects are used, the second task shares a subject word with the first,
 * and the added requirement is at most 20 words; `evolvedFrom` names the first pair.
 */
export function composeTasks(pairs: readonly TaskPlanPair[], options: ComposeOptions = {}): TaskPlanPair[] {
  const perPair = options.perPair ?? 1;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const usable = pairs.filter((p) => p.plan.length > 0 && hasBold(p.plan) && p.source !== 'evolved');
  const topics = usable.map((p) => topicWords(p.task));
  const out: TaskPlanPair[] = [];
  for (let i = 0; i < usable.length && out.length < limit; i++) {
    const base = usable[i] as TaskPlanPair;
    let made = 0;
    for (let j = 0; j < usable.length && made < perPair && out.length < limit; j++) {
      const other = usable[j] as TaskPlanPair;
      if (i === j || other.app !== base.app) continue;
      if (![...(topics[i] as Set<string>)].some((w) => (topics[j] as Set<string>).has(w))) continue;
      const second = other.task.charAt(0).toLowerCase() + other.task.slice(1);
      const task = `${base.task}, then ${second}`;
      const plan = [...base.plan, ...other.plan].map((s, k) => `${k + 1}. ${stripNumber(s)}`);
      if (evolutionProblem(base, { task, plan }) !== undefined) continue;
      out.push(
        validate(TaskPlanPair, {
          taskId: taskIdFor(base.app ?? 'app', task, plan),
          task,
          plan,
          ...(base.app === undefined ? {} : { app: base.app }),
          source: 'evolved',
          evolvedFrom: base.taskId,
          metadata: { rule: 'compose', composedWith: other.taskId },
        }),
      );
      made++;
    }
  }
  return out;
}

/** Options of {@link evolveWithModel}. */
export interface EvolveWithModelOptions {
  model: LanguageModel;
  /** Most tokens of the answer (default 512). */
  maxTokens?: number;
}

/**
 * Model-based data evolution (paper §3.1.4): asks `model` for a harder version of `pair` with
 * `@lam/prompts`' `dataEvolutionTemplate`, parses the answer with its `parseEvolvedTask`, and
 * checks the paper's constraints.
 * @throws {LamError} `LAM_EvolutionRejectedError` when the answer breaks a constraint;
 *   `LAM_OutputParseError` from `@lam/prompts` when it is not the expected JSON.
 */
export async function evolveWithModel(
  pair: TaskPlanPair,
  options: EvolveWithModelOptions,
): Promise<TaskPlanPair> {
  const app = pair.app ?? 'the application';
  const messages = dataEvolutionTemplate
    .render({ app, task: pair.task, plan: pair.plan, maxExtraWords: MAX_EXTRA_WORDS })
    .map((m) => ({ role: m.role, content: messageText(m) }));
  const result = await options.model.generate({ messages, maxTokens: options.maxTokens ?? 512 });
  const evolved = dataEvolutionTemplate.parse(result.text);
  const plan = evolved.plan.map((s, k) => `${k + 1}. ${stripNumber(s).trim()}`);
  const problem = evolutionProblem(pair, { task: evolved.task, plan });
  if (problem !== undefined) {
    throw new LamError(
      'LAM_EvolutionRejectedError',
      `The model's evolution of task ${pair.taskId} was rejected: ${problem}. Ask again (a sampling temperature above 0 gives another answer) or skip this pair.`,
    );
  }
  return validate(TaskPlanPair, {
    taskId: taskIdFor(pair.app ?? 'app', evolved.task, plan),
    task: evolved.task,
    plan,
    ...(pair.app === undefined ? {} : { app: pair.app }),
    source: 'evolved',
    evolvedFrom: pair.taskId,
    metadata: { rule: 'model', model: `${options.model.engine}:${options.model.model}` },
  });
}
