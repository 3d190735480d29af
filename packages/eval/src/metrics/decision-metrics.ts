import type { Decision } from '@lam/schema';
import { rate } from './rate';

/** The part of a decision that offline metrics compare. */
export type ScoredDecision = Pick<Decision, 'controlLabel' | 'controlName' | 'function' | 'args' | 'status'>;

/** One step scored by teacher forcing: the model saw the ground-truth history and predicted this. */
export interface ScoredStep {
  expected: ScoredDecision;
  predicted: ScoredDecision;
  /**
   * Other controls that are just as right as the expected one (the paper's "set of acceptable
   * objects"), as labels or names.
   */
  acceptableObjects?: readonly string[];
}

export interface ScoredTask {
  taskId: string;
  steps: readonly ScoredStep[];
}

export interface DecisionMetricsOptions {
  /**
   * How the predicted control is compared with the expected one:
   * - `label`: the labels are equal;
   * - `name`: the names are equal (case and surrounding space ignored);
   * - `either` (default): the label or the name matches.
   */
  objectMatch?: 'label' | 'name' | 'either';
  /** Whether Operation Acc also requires equal arguments (deep equality). Default false, as in the paper. */
  compareArgs?: boolean;
  /**
   * Whether a step needs the right status to count as a success (default true, PAPER.md §6.2).
   * The paper's Table 3 prints SSR above Status Acc for LAM1, GPT-4o and GPT-4o mini, which only a
   * step success without the status can produce; set false to compute SSR that way.
   */
  statusInStepSuccess?: boolean;
}

/** Table 3 of the paper: per-step accuracies (micro-averaged over steps) and task success. */
export interface DecisionMetrics {
  objectAccuracy: number;
  operationAccuracy: number;
  statusAccuracy: number;
  stepSuccessRate: number;
  taskSuccessRate: number;
  steps: number;
  tasks: number;
  /** Per task: how many steps succeeded, and whether all did. */
  perTask: { taskId: string; steps: number; succeededSteps: number; success: boolean }[];
}

const normalise = (name: string) => name.trim().toLowerCase();

function objectCorrect(step: ScoredStep, match: NonNullable<DecisionMetricsOptions['objectMatch']>): boolean {
  const { expected, predicted } = step;
  // A step that acts on no control is right only when the prediction names none either.
  if (expected.controlLabel === '' && expected.controlName === '') {
    return predicted.controlLabel === '' && predicted.controlName === '';
  }
  const labels = new Set([expected.controlLabel, ...(step.acceptableObjects ?? [])].filter((l) => l !== ''));
  const names = new Set(
    [expected.controlName, ...(step.acceptableObjects ?? [])].filter((n) => n !== '').map(normalise),
  );
  const byLabel = labels.has(predicted.controlLabel);
  const byName = names.has(normalise(predicted.controlName));
  return match === 'label' ? byLabel : match === 'name' ? byName : byLabel || byName;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

/**
 * Scores one step: object, operation and status, and the step's success (all three right).
 */
export function scoreStep(step: ScoredStep, options: DecisionMetricsOptions = {}) {
  const object = objectCorrect(step, options.objectMatch ?? 'either');
  const operation =
    step.predicted.function === step.expected.function &&
    (options.compareArgs !== true || deepEqual(step.predicted.args, step.expected.args));
  const status = step.predicted.status === step.expected.status;
  return {
    object,
    operation,
    status,
    success: object && operation && (status || options.statusInStepSuccess === false),
  };
}

/** Options of {@link DecisionMetricsAccumulator}. */
export interface DecisionAccumulatorOptions extends DecisionMetricsOptions {
  /** Keep the per-task list in the result (default true); turn off to stream millions of steps in flat memory. */
  keepPerTask?: boolean;
  /**
   * Steps of a task come one after another (default false). When true a task is closed as soon as a
   * step of another task arrives, so memory stays flat; when false every task stays open until the end.
   */
  grouped?: boolean;
}

interface OpenTask {
  steps: number;
  succeeded: number;
}

/**
 * Computes {@link decisionMetrics} one step at a time, for inputs too large to hold (a JSONL file of
 * scored steps). A `null` prediction (unparsable output, timeout) counts as wrong on every measure.
 */
export class DecisionMetricsAccumulator {
  private steps = 0;
  private object = 0;
  private operation = 0;
  private status = 0;
  private success = 0;
  private tasks = 0;
  private succeededTasks = 0;
  private readonly open = new Map<string, OpenTask>();
  private readonly perTask: DecisionMetrics['perTask'] = [];

  constructor(private readonly options: DecisionAccumulatorOptions = {}) {}

  /** Adds one scored step of task `taskId`. */
  add(taskId: string, step: Omit<ScoredStep, 'predicted'> & { predicted: ScoredDecision | null }): void {
    if (this.options.grouped === true && !this.open.has(taskId)) this.closeAll();
    let task = this.open.get(taskId);
    if (task === undefined) {
      task = { steps: 0, succeeded: 0 };
      this.open.set(taskId, task);
    }
    const score =
      step.predicted === null
        ? { object: false, operation: false, status: false, success: false }
        : scoreStep(step as ScoredStep, this.options);
    this.steps++;
    this.object += Number(score.object);
    this.operation += Number(score.operation);
    this.status += Number(score.status);
    this.success += Number(score.success);
    task.steps++;
    task.succeeded += Number(score.success);
  }

  /** Adds a task with no steps (it counts as a success, as all of its zero steps succeed). */
  addEmptyTask(taskId: string): void {
    if (this.options.grouped === true) this.closeAll();
    if (!this.open.has(taskId)) this.open.set(taskId, { steps: 0, succeeded: 0 });
  }

  private closeAll(): void {
    for (const [taskId, t] of this.open) {
      const success = t.succeeded === t.steps;
      this.tasks++;
      this.succeededTasks += Number(success);
      if (this.options.keepPerTask !== false)
        this.perTask.push({ taskId, steps: t.steps, succeededSteps: t.succeeded, success });
    }
    this.open.clear();
  }

  /** The metrics so far (closes the open tasks; more steps may still be added after). */
  result(): DecisionMetrics {
    this.closeAll();
    return {
      objectAccuracy: rate(this.object, this.steps),
      operationAccuracy: rate(this.operation, this.steps),
      statusAccuracy: rate(this.status, this.steps),
      stepSuccessRate: rate(this.success, this.steps),
      taskSuccessRate: rate(this.succeededTasks, this.tasks),
      steps: this.steps,
      tasks: this.tasks,
      perTask: [...this.perTask],
    };
  }
}

/**
 * The offline decision metrics of the paper's Table 3 (PAPER.md §6.2): Object Acc, Operation Acc,
 * Status Acc and Step Success Rate over all steps, and Task Success Rate over tasks (a task
 * succeeds when every one of its steps does). Rates are fractions in [0, 1]; an empty input
 * gives zeros.
 */
export function decisionMetrics(
  tasks: readonly ScoredTask[],
  options: DecisionMetricsOptions = {},
): DecisionMetrics {
  const accumulator = new DecisionMetricsAccumulator({ ...options, grouped: true });
  for (const task of tasks) {
    accumulator.addEmptyTask(task.taskId);
    for (const step of task.steps) accumulator.add(task.taskId, step);
  }
  return accumulator.result();
}
