import {
  type ActionRegistry,
  Decision,
  DecisionStatus,
  defaultActionRegistry,
  formatPath,
  toValidationIssues,
} from '@lam/schema';
import type { KeyConvention } from '../conventions';
import { LAM_DecisionParseError, type OutputIssue } from '../errors';
import type { ControlItem } from '../format/controls';
import { extractJson, type JsonSource } from './extract';
import { detectConvention, normaliseKeys } from './keys';

/** Options of {@link parseDecision}. */
export interface ParseDecisionOptions {
  /** The functions the decision may call and their argument schemas; default `defaultActionRegistry`. */
  registry?: ActionRegistry | undefined;
  /** Check the function and its arguments against the registry (default true). */
  validateArgs?: boolean | undefined;
  /** Return the arguments as the function's schema parses them, defaults filled in (default false: as written). */
  applyArgDefaults?: boolean | undefined;
  /** The controls the model was shown: a label that is not among them is an error. */
  controls?: readonly ControlItem[] | undefined;
  /** The statuses allowed (default: every `DecisionStatus`). The paper's LAM uses `CONTINUE` and `FINISH`. */
  statuses?: readonly DecisionStatus[] | undefined;
  /** The status to use when the output has none (dataflow plan steps have none); without it a missing status is an error. */
  defaultStatus?: DecisionStatus | undefined;
  /** Keys that name no decision field: `ignore` (default, listed in `info.ignoredKeys`) or `error`. */
  unknownKeys?: 'ignore' | 'error' | undefined;
  /** The key spelling the model was asked for, used in messages about missing fields (default `lam`). */
  convention?: KeyConvention | undefined;
}

/** What {@link safeParseDecision} learnt about the text besides the decision. */
export interface DecisionParseInfo {
  /** The key convention the model wrote. */
  convention: KeyConvention;
  /** The JSON was not strict and was repaired. */
  repaired: boolean;
  /** Where the JSON was found: the whole text, a fenced block, or inside other text. */
  source: JsonSource;
  /** Keys that named no decision field and were left out. */
  ignoredKeys: string[];
  /** Fields that were absent and got their empty value (`thought`, `controlLabel`, `args`, `plan`, ...). */
  defaulted: string[];
}

/** The result of {@link safeParseDecision}. */
export type SafeParseDecisionResult =
  | { success: true; decision: Decision; info: DecisionParseInfo }
  | { success: false; error: LAM_DecisionParseError };

type Field =
  | 'thought'
  | 'controlLabel'
  | 'controlName'
  | 'function'
  | 'args'
  | 'status'
  | 'plan'
  | 'comment'
  | 'questions'
  | 'observation'
  | 'subtask'
  | 'ignored';

const ALIASES: Record<Field, readonly string[]> = {
  thought: ['thought', 'thoughts'],
  controlLabel: ['controllabel', 'label'],
  controlName: ['controlname', 'controltext'],
  function: ['function', 'functionname'],
  args: ['args', 'arguments', 'functionargs'],
  status: ['status'],
  plan: ['plan', 'nextplan'],
  comment: ['comment'],
  questions: ['questions'],
  observation: ['observation'],
  subtask: ['subtask'],
  ignored: ['step', 'savescreenshot'],
};

const KEY_NAMES: Record<KeyConvention, Record<Exclude<Field, 'ignored'>, string>> = {
  lam: {
    thought: 'thought',
    controlLabel: 'control_label',
    controlName: 'control_name',
    function: 'function',
    args: 'args',
    status: 'status',
    plan: 'plan',
    comment: 'comment',
    questions: 'questions',
    observation: 'observation',
    subtask: 'subtask',
  },
  camel: {
    thought: 'thought',
    controlLabel: 'controlLabel',
    controlName: 'controlName',
    function: 'function',
    args: 'args',
    status: 'status',
    plan: 'plan',
    comment: 'comment',
    questions: 'questions',
    observation: 'observation',
    subtask: 'subtask',
  },
  ufo: {
    thought: 'Thought',
    controlLabel: 'ControlLabel',
    controlName: 'ControlText',
    function: 'Function',
    args: 'Args',
    status: 'Status',
    plan: 'Plan',
    comment: 'Comment',
    questions: 'Questions',
    observation: 'Observation',
    subtask: 'Subtask',
  },
  dataflow: {
    thought: 'Thought',
    controlLabel: 'ControlLabel',
    controlName: 'ControlText',
    function: 'Function',
    args: 'Args',
    status: 'Status',
    plan: 'Plan',
    comment: 'Comment',
    questions: 'Questions',
    observation: 'Observation',
    subtask: 'Subtask',
  },
};

/** The seven keys of a decision in a convention, as the repair message asks for them. */
export function decisionFormat(convention: KeyConvention = 'lam'): string {
  const k = KEY_NAMES[convention];
  const keys = [k.thought, k.controlLabel, k.controlName, k.function, k.args, k.status, k.plan];
  return `one JSON object with the keys ${keys.join(', ')}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}...` : text;
}

const FIELD_ALIASES = Object.values(ALIASES).flat();
function hasDecisionKeys(value: Record<string, unknown>): boolean {
  return Object.keys(value).some((k) => FIELD_ALIASES.includes(k.toLowerCase().replace(/[^a-z0-9]/g, '')));
}

/** The decision object inside the JSON: the object itself, the one item of a list, or the one object it wraps. */
function unwrap(value: unknown): { object?: Record<string, unknown>; issue?: OutputIssue } {
  let v = value;
  if (Array.isArray(v)) {
    if (v.length !== 1)
      return { issue: { path: [], message: `expected one JSON object, got a list of ${v.length} items` } };
    v = v[0];
  }
  if (!isObject(v)) return { issue: { path: [], message: `expected a JSON object, got ${preview(v)}` } };
  const entries = Object.entries(v);
  if (!hasDecisionKeys(v) && entries.length === 1 && isObject(entries[0]?.[1]))
    return { object: entries[0][1] };
  return { object: v };
}

function stringList(value: unknown, path: (string | number)[], issues: OutputIssue[]): string[] | undefined {
  if (value === undefined || value === null) return [];
  const items = typeof value === 'string' ? value.split('\n') : Array.isArray(value) ? value : undefined;
  if (items === undefined) {
    issues.push({ path, message: `must be a list of strings, got ${preview(value)}` });
    return undefined;
  }
  const out: string[] = [];
  items.forEach((item, i) => {
    if (typeof item === 'string' || typeof item === 'number') {
      const text = String(item).trim();
      if (text !== '' && text !== '<FINISH>') out.push(text);
    } else {
      issues.push({ path: [...path, i], message: `must be a string, got ${preview(item)}` });
    }
  });
  return out;
}

function text(
  value: unknown,
  path: (string | number)[],
  issues: OutputIssue[],
  options: { numbers?: boolean } = {},
): string | undefined {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (options.numbers === true && typeof value === 'number') return String(value);
  issues.push({ path, message: `must be a string, got ${preview(value)}` });
  return undefined;
}

/**
 * Parses a model's text into a validated {@link Decision}, or returns the error that
 * {@link parseDecision} would throw. Never throws for any input text.
 */
export function safeParseDecision(
  output: string,
  options: ParseDecisionOptions = {},
): SafeParseDecisionResult {
  const asked = options.convention ?? 'lam';
  const format = decisionFormat(asked);
  const fail = (problem: 'no-json' | 'invalid-json' | 'invalid-fields', issues: OutputIssue[]) => ({
    success: false as const,
    error: new LAM_DecisionParseError({ problem, issues, text: output, format }),
  });

  const extracted = extractJson(output);
  if (!extracted.ok) return fail(extracted.problem, [{ path: [], message: extracted.reason }]);
  const { object, issue } = unwrap(extracted.value);
  if (object === undefined) return fail('invalid-fields', [issue!]);

  const { fields, keys, unknown } = normaliseKeys(object, ALIASES);
  const convention = detectConvention(Object.keys(object));
  const names = KEY_NAMES[asked];
  const pathOf = (field: Exclude<Field, 'ignored'>) => [keys.get(field) ?? names[field]];
  const issues: OutputIssue[] = [];
  const defaulted: string[] = [];

  if (options.unknownKeys === 'error') {
    for (const key of unknown) {
      issues.push({ path: [key], message: `is not a decision field; use only the keys of ${format}` });
    }
  }

  const raw = (field: Exclude<Field, 'ignored'>) => {
    const value = fields.get(field);
    if (value === undefined && field !== 'subtask') defaulted.push(field);
    return value;
  };

  const subtask = fields.get('subtask');
  let thoughtRaw = raw('thought');
  if (thoughtRaw === undefined && typeof subtask === 'string') thoughtRaw = subtask;
  const thought = text(thoughtRaw, pathOf('thought'), issues, { numbers: true });
  const controlLabel = text(raw('controlLabel'), pathOf('controlLabel'), issues, { numbers: true });
  const controlName = text(raw('controlName'), pathOf('controlName'), issues, { numbers: true });

  const functionRaw = fields.get('function');
  let functionName: string | undefined;
  if (functionRaw === undefined) {
    issues.push({
      path: pathOf('function'),
      message: 'is missing; give the function to call, or "" for no action',
    });
  } else {
    functionName = text(functionRaw, pathOf('function'), issues);
  }

  let args: Record<string, unknown> | undefined;
  const argsRaw = raw('args');
  if (argsRaw === undefined || argsRaw === null || argsRaw === '') args = {};
  else if (isObject(argsRaw)) args = argsRaw;
  else if (typeof argsRaw === 'string') {
    const inner = extractJson(argsRaw);
    if (inner.ok && isObject(inner.value)) args = inner.value;
  }
  if (args === undefined) {
    issues.push({
      path: pathOf('args'),
      message: `must be a JSON object of keyword arguments, got ${preview(argsRaw)}`,
    });
  }

  let status: DecisionStatus | undefined;
  const allowed = options.statuses ?? DecisionStatus.options;
  const statusRaw = fields.get('status');
  if (statusRaw === undefined && options.defaultStatus !== undefined) {
    status = options.defaultStatus;
    defaulted.push('status');
  } else if (statusRaw === undefined) {
    issues.push({
      path: pathOf('status'),
      message: `is missing; use one of ${allowed.map((s) => `"${s}"`).join(', ')}`,
    });
  } else {
    const normal =
      typeof statusRaw === 'string'
        ? statusRaw
            .trim()
            .replace(/^<|>$|\.$/g, '')
            .toUpperCase()
        : '';
    const parsed = DecisionStatus.safeParse(normal);
    if (parsed.success && allowed.includes(parsed.data)) status = parsed.data;
    else {
      issues.push({
        path: pathOf('status'),
        message: `must be one of ${allowed.map((s) => `"${s}"`).join(', ')}, got ${preview(statusRaw)}`,
      });
    }
  }

  const plan = stringList(raw('plan'), pathOf('plan'), issues);
  const optional: Partial<Pick<Decision, 'comment' | 'questions' | 'observation'>> = {};
  for (const field of ['comment', 'observation'] as const) {
    const value = fields.get(field);
    if (value === undefined || value === null) continue;
    const t = text(value, pathOf(field), issues, { numbers: true });
    if (t !== undefined) optional[field] = t;
  }
  const questionsRaw = fields.get('questions');
  if (questionsRaw !== undefined && questionsRaw !== null) {
    const q = stringList(questionsRaw, pathOf('questions'), issues);
    if (q !== undefined) optional.questions = q;
  }

  if (options.validateArgs ?? true) {
    const registry = options.registry ?? defaultActionRegistry;
    if (functionName !== undefined && args !== undefined) {
      const definition = registry.get(functionName);
      if (definition === undefined && functionName !== '') {
        const known = registry
          .list()
          .map((d) => `"${d.name}"`)
          .join(', ');
        issues.push({
          path: pathOf('function'),
          message: `"${functionName}" is not a known function; use one of ${known}`,
        });
      } else if (definition !== undefined) {
        const result = definition.args.safeParse(args);
        if (!result.success) {
          for (const i of toValidationIssues(result.error)) {
            issues.push({ path: [...pathOf('args'), ...i.path], message: i.message });
          }
        } else if (options.applyArgDefaults === true) {
          args = result.data as Record<string, unknown>;
        }
        if (definition.control === 'required' && controlLabel === '' && controlName === '') {
          issues.push({
            path: pathOf('controlLabel'),
            message: `is empty, but ${functionName} acts on a control; give the label of a control from the list`,
          });
        }
      }
    }
  }

  if (options.controls !== undefined && controlLabel !== undefined && controlLabel !== '') {
    if (!options.controls.some((c) => c.label === controlLabel)) {
      issues.push({
        path: pathOf('controlLabel'),
        message: `"${controlLabel}" is not the label of any control in the list`,
      });
    }
  }

  if (issues.length > 0) return fail('invalid-fields', issues);

  const decision = Decision.safeParse({
    thought,
    controlLabel,
    controlName,
    function: functionName,
    args,
    status,
    plan,
    ...optional,
  });
  if (!decision.success) {
    return fail(
      'invalid-fields',
      toValidationIssues(decision.error).map((i) => ({
        path: i.path,
        message: `${i.message} (${formatPath(i.path)})`,
      })),
    );
  }
  return {
    success: true,
    decision: decision.data,
    info: {
      convention,
      repaired: extracted.repaired,
      source: extracted.source,
      ignoredKeys: unknown.filter((k) => !ALIASES.ignored.includes(k.toLowerCase())),
      defaulted,
    },
  };
}

/**
 * Parses a model's text into a validated {@link Decision}. Accepts the JSON in a code
 * fence or among other text, repairs single quotes, trailing commas, comments and Python
 * literals, and reads the keys of any of the four conventions (`control_label`,
 * `ControlLabel`, `controlLabel`, dataflow `ControlText`/`Subtask`). Checks the function and
 * its arguments against the registry.
 *
 * @throws {LAM_DecisionParseError} naming each problem with its JSON path; its
 * `repairMessage` can be sent back to the model.
 */
export function parseDecision(text: string, options: ParseDecisionOptions = {}): Decision {
  const result = safeParseDecision(text, options);
  if (!result.success) throw result.error;
  return result.decision;
}
