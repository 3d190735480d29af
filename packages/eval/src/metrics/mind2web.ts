import { rate } from './rate';

/** A Mind2Web operation: the action type and, for TYPE and SELECT, its value. */
export interface Mind2WebOperation {
  /** `CLICK`, `TYPE`, `SELECT` (compared without case). */
  op: string;
  /** The typed text or selected option; empty for CLICK. */
  value?: string;
}

/** One step of a Mind2Web-style task: the predicted element and operation against the ground truth. */
export interface Mind2WebStep {
  /** The element the model chose (a backend node id, a label, ...); `null` when it chose none. */
  predictedElement: string | null;
  /** Every element that counts as right (Mind2Web's positive candidates). */
  acceptableElements: readonly string[];
  predictedOperation: Mind2WebOperation | null;
  expectedOperation: Mind2WebOperation;
}

export interface Mind2WebTask {
  taskId: string;
  steps: readonly Mind2WebStep[];
}

/** Options of {@link mind2webMetrics}. */
export interface Mind2WebMetricsOptions {
  /**
   * `macro` (default, as in the Mind2Web paper): each figure is computed per task, then averaged
   * over tasks; `micro`: over all steps at once.
   */
  averaging?: 'macro' | 'micro';
  /** Whether value tokens are compared without case (default true). */
  ignoreCase?: boolean;
}

/** Mind2Web's metrics: element accuracy, operation F1, step success rate and task success rate. */
export interface Mind2WebMetrics {
  elementAccuracy: number;
  operationF1: number;
  stepSuccessRate: number;
  taskSuccessRate: number;
  steps: number;
  tasks: number;
  averaging: 'macro' | 'micro';
}

function operationTokens(op: Mind2WebOperation, ignoreCase: boolean): string[] {
  const text = `${op.op.toUpperCase()} ${op.value ?? ''}`;
  return (ignoreCase ? text.toLowerCase() : text).split(/\s+/).filter((t) => t !== '');
}

/**
 * Token-level F1 between the predicted and the expected operation, each written as the action
 * type followed by its value (`TYPE new york`), as Mind2Web scores it. A missing prediction scores 0.
 */
export function operationF1(
  predicted: Mind2WebOperation | null,
  expected: Mind2WebOperation,
  options: { ignoreCase?: boolean } = {},
): number {
  if (predicted === null) return 0;
  const ignoreCase = options.ignoreCase ?? true;
  const p = operationTokens(predicted, ignoreCase);
  const e = operationTokens(expected, ignoreCase);
  const rest = [...e];
  let common = 0;
  for (const t of p) {
    const at = rest.indexOf(t);
    if (at !== -1) {
      common++;
      rest.splice(at, 1);
    }
  }
  if (common === 0) return 0;
  const precision = common / p.length;
  const recall = common / e.length;
  return (2 * precision * recall) / (precision + recall);
}

/**
 * Scores one Mind2Web step: the element is right when it is one of the acceptable elements; the
 * step succeeds when the element is right and the operation matches exactly (F1 = 1).
 */
export function scoreMind2WebStep(step: Mind2WebStep, options: { ignoreCase?: boolean } = {}) {
  const element = step.predictedElement !== null && step.acceptableElements.includes(step.predictedElement);
  const f1 = operationF1(step.predictedOperation, step.expectedOperation, options);
  return { element, operationF1: f1, success: element && f1 === 1 };
}

/**
 * The metrics of Mind2Web (Deng et al., 2023): element accuracy, operation F1, step success rate,
 * and task success rate (every step of the task succeeds). Rates are fractions in [0, 1].
 */
export function mind2webMetrics(
  tasks: readonly Mind2WebTask[],
  options: Mind2WebMetricsOptions = {},
): Mind2WebMetrics {
  const averaging = options.averaging ?? 'macro';
  let steps = 0;
  let element = 0;
  let f1 = 0;
  let success = 0;
  let taskElement = 0;
  let taskF1 = 0;
  let taskStep = 0;
  let tasksSucceeded = 0;
  for (const task of tasks) {
    let e = 0;
    let f = 0;
    let s = 0;
    for (const step of task.steps) {
      const score = scoreMind2WebStep(step, options);
      e += Number(score.element);
      f += score.operationF1;
      s += Number(score.success);
    }
    const n = task.steps.length;
    steps += n;
    element += e;
    f1 += f;
    success += s;
    taskElement += rate(e, n);
    taskF1 += rate(f, n);
    taskStep += rate(s, n);
    tasksSucceeded += Number(n > 0 && s === n);
  }
  const t = tasks.length;
  const macro = averaging === 'macro';
  return {
    elementAccuracy: macro ? rate(taskElement, t) : rate(element, steps),
    operationF1: macro ? rate(taskF1, t) : rate(f1, steps),
    stepSuccessRate: macro ? rate(taskStep, t) : rate(success, steps),
    taskSuccessRate: rate(tasksSucceeded, t),
    steps,
    tasks: t,
    averaging,
  };
}
