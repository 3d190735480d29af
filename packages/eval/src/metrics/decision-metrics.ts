import type { Decision } from '@lam/schema';

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
  let steps = 0;
  let object = 0;
  let operation = 0;
  let status = 0;
  let success = 0;
  const perTask: DecisionMetrics['perTask'] = [];
  for (const task of tasks) {
    let succeeded = 0;
    for (const step of task.steps) {
      const score = scoreStep(step, options);
      steps++;
      object += Number(score.object);
      operation += Number(score.operation);
      status += Number(score.status);
      success += Number(score.success);
      succeeded += Number(score.success);
    }
    perTask.push({
      taskId: task.taskId,
      steps: task.steps.length,
      succeededSteps: succeeded,
      success: succeeded === task.steps.length,
    });
  }
  const rate = (n: number, d: number) => (d === 0 ? 0 : n / d);
  return {
    objectAccuracy: rate(object, steps),
    operationAccuracy: rate(operation, steps),
    statusAccuracy: rate(status, steps),
    stepSuccessRate: rate(success, steps),
    taskSuccessRate: rate(perTask.filter((t) => t.success).length, perTask.length),
    steps,
    tasks: perTask.length,
    perTask,
  };
}
