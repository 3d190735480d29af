import {
  type ActionRegistry,
  defaultActionRegistry,
  type ExecutionEvaluation,
  FilterRequestType,
  type FilterVerdict,
  type InstantiatedStep,
  type PlanningJudgement,
  type TaskActionEvaluation,
  toValidationIssues,
  Verdict,
} from '@lam/schema';
import { z } from 'zod';
import { LAM_OutputParseError, type OutputIssue } from '../errors';
import { extractJson } from './extract';
import { normaliseKeys, reduceKey } from './keys';

type Path = (string | number)[];

/** Reads the fields of one JSON object, collecting problems instead of throwing. */
class Reader {
  readonly fields: Map<string, unknown>;
  readonly keys: Map<string, string>;

  constructor(
    value: Record<string, unknown>,
    aliases: Readonly<Record<string, readonly string[]>>,
    private readonly base: Path,
    readonly issues: OutputIssue[],
  ) {
    const normalised = normaliseKeys(value, aliases);
    this.fields = normalised.fields;
    this.keys = normalised.keys;
  }

  path(field: string): Path {
    return [...this.base, this.keys.get(field) ?? field];
  }

  private missing(field: string, what: string): undefined {
    this.issues.push({ path: this.path(field), message: `is missing; give ${what}` });
    return undefined;
  }

  string(field: string, options: { optional?: boolean } = {}): string | undefined {
    const v = this.fields.get(field);
    if (v === undefined || v === null)
      return options.optional === true ? undefined : this.missing(field, 'a string');
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    this.issues.push({ path: this.path(field), message: `must be a string, got ${preview(v)}` });
    return undefined;
  }

  boolean(field: string): boolean | undefined {
    const v = this.fields.get(field);
    if (v === undefined || v === null) return this.missing(field, 'true or false');
    if (typeof v === 'boolean') return v;
    const t = typeof v === 'string' ? v.trim().toLowerCase() : '';
    if (t === 'true' || t === 'yes') return true;
    if (t === 'false' || t === 'no') return false;
    this.issues.push({ path: this.path(field), message: `must be true or false, got ${preview(v)}` });
    return undefined;
  }

  /** One of `options`, compared without case, spaces, `_` or `-`. */
  choice<T extends string>(field: string, options: readonly T[]): T | undefined {
    const v = this.fields.get(field);
    const list = options.map((o) => `"${o}"`).join(', ');
    if (v === undefined || v === null) return this.missing(field, `one of ${list}`);
    const found = options.find(
      (o) => (typeof v === 'string' || typeof v === 'number') && reduceKey(String(v)) === reduceKey(o),
    );
    if (found !== undefined) return found;
    this.issues.push({ path: this.path(field), message: `must be one of ${list}, got ${preview(v)}` });
    return undefined;
  }

  strings(field: string, options: { optional?: boolean } = {}): string[] | undefined {
    const v = this.fields.get(field);
    if (v === undefined || v === null)
      return options.optional === true ? [] : this.missing(field, 'a list of strings');
    return stringList(v, this.path(field), this.issues);
  }

  int(field: string): number | undefined {
    const v = this.fields.get(field);
    if (v === undefined || v === null) return this.missing(field, 'a whole number');
    const n = typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v;
    if (typeof n === 'number' && Number.isInteger(n) && n >= 0) return n;
    this.issues.push({ path: this.path(field), message: `must be a whole number, got ${preview(v)}` });
    return undefined;
  }

  object(field: string): Record<string, unknown> | undefined {
    const v = this.fields.get(field);
    if (v === undefined || v === null) return this.missing(field, 'a JSON object');
    if (isObject(v)) return v;
    this.issues.push({ path: this.path(field), message: `must be a JSON object, got ${preview(v)}` });
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}...` : text;
}

function stringList(value: unknown, path: Path, issues: OutputIssue[]): string[] | undefined {
  const items = typeof value === 'string' ? value.split('\n') : Array.isArray(value) ? value : undefined;
  if (items === undefined) {
    issues.push({ path, message: `must be a list of strings, got ${preview(value)}` });
    return undefined;
  }
  const out: string[] = [];
  items.forEach((item, i) => {
    if (typeof item === 'string' || typeof item === 'number') {
      const t = String(item).trim();
      if (t !== '') out.push(t);
    } else issues.push({ path: [...path, i], message: `must be a string, got ${preview(item)}` });
  });
  return out;
}

/** How one kind of record is read from the JSON a model wrote. */
interface RecordSpec<T> {
  /** The record's name in messages, e.g. `filter verdict`. */
  record: string;
  /** What the model should reply, for the repair message. */
  format: string;
  /** Whether the JSON may be a list at the top level (otherwise a one-item list is unwrapped). */
  list?: boolean;
  read(value: unknown, issues: OutputIssue[]): T | undefined;
}

function parseRecord<T>(text: string, spec: RecordSpec<T>): T {
  const fail = (problem: 'no-json' | 'invalid-json' | 'invalid-fields', issues: OutputIssue[]) =>
    new LAM_OutputParseError({ record: spec.record, problem, issues, text, format: spec.format });
  const extracted = extractJson(text);
  if (!extracted.ok) throw fail(extracted.problem, [{ path: [], message: extracted.reason }]);
  let value = extracted.value;
  if (spec.list !== true && Array.isArray(value) && value.length === 1) value = value[0];
  const issues: OutputIssue[] = [];
  const result = spec.read(value, issues);
  if (issues.length > 0 || result === undefined) {
    if (issues.length === 0)
      issues.push({ path: [], message: `expected ${spec.format}, got ${preview(value)}` });
    throw fail('invalid-fields', issues);
  }
  return result;
}

function asObject(value: unknown, issues: OutputIssue[]): Record<string, unknown> | undefined {
  if (isObject(value)) return value;
  issues.push({ path: [], message: `expected a JSON object, got ${preview(value)}` });
  return undefined;
}

/**
 * Parses the instantiation filter's answer `{judge, thought, type}` (PAPER.md §4.2) into a
 * `FilterVerdict`. `judge` may be a boolean or "true"/"yes"; `type` (or `request_type`) is
 * matched without case (`non-task` → `Non_task`).
 * @throws {LAM_OutputParseError}
 */
export function parseFilterVerdict(text: string): FilterVerdict {
  return parseRecord(text, {
    record: 'filter verdict',
    format: 'one JSON object with the keys judge, thought, type',
    read(value, issues) {
      const object = asObject(value, issues);
      if (object === undefined) return undefined;
      const r = new Reader(
        object,
        { judge: ['judge'], thought: ['thought'], type: ['type', 'requesttype'] },
        [],
        issues,
      );
      const judge = r.boolean('judge');
      const thought = r.string('thought');
      const type = r.choice('type', FilterRequestType.options);
      if (judge === undefined || thought === undefined || type === undefined) return undefined;
      return { judge, thought, type };
    },
  });
}

/** The template chosen for a task, and why. */
export interface TemplateChoice {
  /** The template's file name, one of the descriptions' keys. */
  file: string;
  reason: string;
}

/**
 * Parses the template-choice answer `{"<file name>": "<reason>"}` (PAPER.md §4.3). With
 * `files`, the chosen name must be one of them (compared without case).
 * @throws {LAM_OutputParseError}
 */
export function parseTemplateChoice(
  text: string,
  options: { files?: readonly string[] } = {},
): TemplateChoice {
  return parseRecord(text, {
    record: 'template choice',
    format: 'one JSON object {"<file name>": "<reason>"} naming one template from the list',
    read(value, issues) {
      const object = asObject(value, issues);
      if (object === undefined) return undefined;
      const entries = Object.entries(object);
      if (entries.length !== 1) {
        issues.push({
          path: [],
          message: `must have exactly one key, the chosen file name; got ${entries.length}`,
        });
        return undefined;
      }
      const [name, reason] = entries[0]!;
      let file = name;
      if (options.files !== undefined) {
        const found = options.files.find((f) => f.toLowerCase() === name.trim().toLowerCase());
        if (found === undefined) {
          issues.push({
            path: [name],
            message: `is not one of the templates ${options.files.map((f) => `"${f}"`).join(', ')}`,
          });
          return undefined;
        }
        file = found;
      }
      if (typeof reason !== 'string') {
        issues.push({ path: [name], message: `must be the reason as a string, got ${preview(reason)}` });
        return undefined;
      }
      return { file, reason };
    },
  });
}

/** The prefill agent's answer: the concrete task and its action plan (PAPER.md §4.1). */
export interface PrefillResult {
  observation: string;
  thought: string;
  /** The concrete task (UFO `New_task`, the record's `instantiated_request`). */
  newTask: string;
  /** The action plan, one function call per step. */
  plan: InstantiatedStep[];
}

const STEP_ALIASES = {
  step: ['step'],
  subtask: ['subtask'],
  controlLabel: ['controllabel', 'label'],
  controlText: ['controltext', 'controlname'],
  function: ['function', 'functionname'],
  args: ['args', 'arguments'],
} as const;

/**
 * Parses the prefill agent's answer `{Observation, Thought, New_task, Actions_plan}` (code
 * keys or the paper's lowercase keys) into a {@link PrefillResult}. Each plan step is read
 * with any key convention; `Step` defaults to its position. With `validateArgs` (default
 * true) each step's function and arguments are checked against the registry.
 * @throws {LAM_OutputParseError}
 */
export function parsePrefill(
  text: string,
  options: { registry?: ActionRegistry; validateArgs?: boolean } = {},
): PrefillResult {
  const registry = options.registry ?? defaultActionRegistry;
  return parseRecord(text, {
    record: 'prefill result',
    format: 'one JSON object with the keys Observation, Thought, New_task, Actions_plan',
    read(value, issues) {
      const object = asObject(value, issues);
      if (object === undefined) return undefined;
      const r = new Reader(
        object,
        {
          observation: ['observation'],
          thought: ['thought'],
          newTask: ['newtask'],
          plan: ['actionsplan', 'actionplan', 'plan'],
        },
        [],
        issues,
      );
      const observation = r.string('observation', { optional: true }) ?? '';
      const thought = r.string('thought', { optional: true }) ?? '';
      const newTask = r.string('newTask');
      const rawPlan = r.fields.get('plan');
      if (!Array.isArray(rawPlan)) {
        issues.push({
          path: r.path('plan'),
          message: `must be a list of action steps, got ${preview(rawPlan)}`,
        });
        return undefined;
      }
      const plan: InstantiatedStep[] = [];
      rawPlan.forEach((item, i) => {
        const base = [...r.path('plan'), i];
        if (!isObject(item)) {
          issues.push({ path: base, message: `must be a JSON object, got ${preview(item)}` });
          return;
        }
        const s = new Reader(item, STEP_ALIASES, base, issues);
        const stepValue = s.fields.get('step');
        const step = stepValue === undefined ? i + 1 : s.int('step');
        const subtask = s.string('subtask', { optional: true }) ?? '';
        const labelValue = s.fields.get('controlLabel');
        const controlLabel =
          labelValue === null || labelValue === undefined ? labelValue : s.string('controlLabel');
        const controlText = s.string('controlText', { optional: true }) ?? '';
        const fn = s.string('function', { optional: true }) ?? '';
        const argsValue = s.fields.get('args');
        const args = argsValue === undefined || argsValue === null ? {} : s.object('args');
        if (step === undefined || args === undefined) return;
        if (options.validateArgs ?? true) {
          const definition = registry.get(fn);
          if (definition === undefined && fn !== '') {
            issues.push({ path: s.path('function'), message: `"${fn}" is not a known function` });
          } else if (definition !== undefined) {
            const parsed = definition.args.safeParse(args);
            if (!parsed.success) {
              for (const issue of toValidationIssues(parsed.error)) {
                issues.push({ path: [...s.path('args'), ...issue.path], message: issue.message });
              }
            }
          }
        }
        const out: InstantiatedStep = {
          step,
          subtask,
          controlText,
          function: fn,
          args: args as InstantiatedStep['args'],
        };
        if (controlLabel !== undefined) out.controlLabel = controlLabel;
        plan.push(out);
      });
      if (newTask === undefined) return undefined;
      return { observation, thought, newTask, plan };
    },
  });
}

/**
 * Parses the paper's task-action evaluation `{task_quality, task_complete,
 * complete_judgement, quality_judgement}` (App. B.2) into a `TaskActionEvaluation`.
 * Values are matched without case (`Over-detailed` → `over detailed`, `YES` → `yes`).
 * @throws {LAM_OutputParseError}
 */
export function parseTaskActionEvaluation(text: string): TaskActionEvaluation {
  return parseRecord(text, {
    record: 'task-action evaluation',
    format:
      'one JSON object with the keys task_quality, task_complete, complete_judgement, quality_judgement',
    read(value, issues) {
      const object = asObject(value, issues);
      if (object === undefined) return undefined;
      const r = new Reader(
        object,
        {
          taskQuality: ['taskquality'],
          taskComplete: ['taskcomplete'],
          completeJudgement: ['completejudgement', 'completejudgment'],
          qualityJudgement: ['qualityjudgement', 'qualityjudgment'],
        },
        [],
        issues,
      );
      const taskQuality = r.choice('taskQuality', ['ambiguous', 'over detailed', 'good'] as const);
      const taskComplete = r.choice('taskComplete', Verdict.options);
      const completeJudgement = r.string('completeJudgement');
      const qualityJudgement = r.string('qualityJudgement');
      if ([taskQuality, taskComplete, completeJudgement, qualityJudgement].includes(undefined))
        return undefined;
      return {
        taskQuality: taskQuality!,
        taskComplete: taskComplete!,
        completeJudgement: completeJudgement!,
        qualityJudgement: qualityJudgement!,
      };
    },
  });
}

/**
 * Parses UFO's evaluation answer `{reason, sub_scores, complete}` into an
 * `ExecutionEvaluation`. `complete` and each sub-score must be yes, no or unsure (any case);
 * they are stored in lower case.
 * @throws {LAM_OutputParseError}
 */
export function parseExecutionEvaluation(text: string): ExecutionEvaluation {
  return parseRecord(text, {
    record: 'execution evaluation',
    format: 'one JSON object with the keys reason, sub_scores, complete',
    read(value, issues) {
      const object = asObject(value, issues);
      if (object === undefined) return undefined;
      const r = new Reader(
        object,
        { reason: ['reason'], subScores: ['subscores', 'subscore'], complete: ['complete'] },
        [],
        issues,
      );
      const reason = r.string('reason');
      const complete = r.choice('complete', Verdict.options);
      const scores = r.fields.get('subScores') === undefined ? {} : r.object('subScores');
      const subScores: Record<string, string> = {};
      for (const [criterion, score] of Object.entries(scores ?? {})) {
        const parsed = Verdict.safeParse(typeof score === 'string' ? score.trim().toLowerCase() : score);
        if (parsed.success) subScores[criterion] = parsed.data;
        else {
          issues.push({
            path: [...r.path('subScores'), criterion],
            message: `must be "yes", "no" or "unsure", got ${preview(score)}`,
          });
        }
      }
      if (reason === undefined || complete === undefined || scores === undefined) return undefined;
      return { reason, subScores, complete };
    },
  });
}

/**
 * Parses the planning judge's answer (paper App. D: `Subtask1`..`Subtask4`) into a
 * `PlanningJudgement`. Yes/No are matched without case; the more helpful answer may be
 * written `"1"`, `1` or `"Answer1"`; the count may be a numeric string.
 * @throws {LAM_OutputParseError}
 */
export function parsePlanningJudgement(text: string): PlanningJudgement {
  return parseRecord(text, {
    record: 'planning judgement',
    format:
      'one JSON object with the keys Subtask1, Subtask2, Subtask3 (an object with "Action items in Answer1", "Action items in Answer2", "Similar action items", "Count of similar action items") and Subtask4 (an object with "More helpful assistant" and "Reason")',
    read(value, issues) {
      const object = asObject(value, issues);
      if (object === undefined) return undefined;
      const r = new Reader(
        object,
        { s1: ['subtask1'], s2: ['subtask2'], s3: ['subtask3'], s4: ['subtask4'] },
        [],
        issues,
      );
      const s1 = r.choice('s1', ['Yes', 'No'] as const);
      const s2 = r.choice('s2', ['Yes', 'No'] as const);
      const o3 = r.object('s3');
      const o4 = r.object('s4');
      if (o3 === undefined || o4 === undefined) return undefined;
      const r3 = new Reader(
        o3,
        {
          items1: ['actionitemsinanswer1'],
          items2: ['actionitemsinanswer2'],
          similar: ['similaractionitems'],
          count: ['countofsimilaractionitems'],
        },
        r.path('s3'),
        issues,
      );
      const r4 = new Reader(
        o4,
        { helpful: ['morehelpfulassistant'], reason: ['reason'] },
        r.path('s4'),
        issues,
      );
      const actionItems1 = r3.strings('items1');
      const actionItems2 = r3.strings('items2');
      const similarItems = r3.strings('similar');
      const similarCount = r3.int('count');
      const helpfulRaw = r4.fields.get('helpful');
      const digit =
        typeof helpfulRaw === 'number' || typeof helpfulRaw === 'string'
          ? /[12]/.exec(String(helpfulRaw))?.[0]
          : undefined;
      if (digit === undefined) {
        issues.push({ path: r4.path('helpful'), message: `must be "1" or "2", got ${preview(helpfulRaw)}` });
      }
      const reason = r4.string('reason');
      if (
        s1 === undefined ||
        s2 === undefined ||
        actionItems1 === undefined ||
        actionItems2 === undefined ||
        similarItems === undefined ||
        similarCount === undefined ||
        digit === undefined ||
        reason === undefined
      ) {
        return undefined;
      }
      return {
        answer1Solves: s1 === 'Yes',
        answer2Solves: s2 === 'Yes',
        actionItems1,
        actionItems2,
        similarItems,
        similarCount,
        moreHelpful: digit as '1' | '2',
        reason,
      };
    },
  });
}

/** A task and its plan, as a model extracts or evolves them (no id yet). */
export const ExtractedTaskPlan = z.strictObject({
  task: z.string().min(1),
  plan: z.array(z.string()).min(1),
});
export type ExtractedTaskPlan = z.infer<typeof ExtractedTaskPlan>;

function readTaskPlan(
  value: unknown,
  path: Path,
  issues: OutputIssue[],
  taskKeys: readonly string[],
): ExtractedTaskPlan | undefined {
  if (!isObject(value)) {
    issues.push({ path, message: `must be a JSON object with a task and a plan, got ${preview(value)}` });
    return undefined;
  }
  const r = new Reader(
    value,
    { task: taskKeys, plan: ['plan', 'steps', 'evolvedplan', 'newplan'] },
    path,
    issues,
  );
  const task = r.string('task');
  const plan = r.strings('plan');
  if (task === undefined || plan === undefined) return undefined;
  if (task.trim() === '') issues.push({ path: r.path('task'), message: 'must not be empty' });
  if (plan.length === 0) issues.push({ path: r.path('plan'), message: 'must list at least one step' });
  return { task: task.trim(), plan };
}

/**
 * Parses the task-plan extraction answer `{"tasks": [{"task", "plan"}]}` (or a bare list of
 * such objects) into task-plan pairs without ids. A plan given as one string is split on new
 * lines. An empty list is valid: the document described no task.
 * @throws {LAM_OutputParseError}
 */
export function parseTaskPlanExtraction(text: string): ExtractedTaskPlan[] {
  return parseRecord(text, {
    record: 'task-plan extraction',
    format: 'one JSON object {"tasks": [{"task": "...", "plan": ["...", "..."]}]}',
    list: true,
    read(value, issues) {
      let list: unknown = value;
      let base: Path = [];
      if (isObject(value)) {
        const r = new Reader(value, { tasks: ['tasks', 'taskplans', 'pairs'] }, [], issues);
        list = r.fields.get('tasks');
        base = r.path('tasks');
        if (list === undefined && 'task' in value) list = [value];
      }
      if (!Array.isArray(list)) {
        issues.push({
          path: base,
          message: `must be a list of {"task", "plan"} objects, got ${preview(list)}`,
        });
        return undefined;
      }
      const out = list.map((item, i) => readTaskPlan(item, [...base, i], issues, ['task', 'request']));
      return out.every((p) => p !== undefined) ? (out as ExtractedTaskPlan[]) : undefined;
    },
  });
}

/**
 * Parses the data-evolution answer `{"task", "plan"}` (also `evolved_task`/`new_task`) into
 * the evolved task-plan pair.
 * @throws {LAM_OutputParseError}
 */
export function parseEvolvedTask(text: string): ExtractedTaskPlan {
  return parseRecord(text, {
    record: 'evolved task',
    format: 'one JSON object {"task": "...", "plan": ["...", "..."]}',
    read(value, issues) {
      return readTaskPlan(value, [], issues, ['task', 'evolvedtask', 'newtask']);
    },
  });
}
