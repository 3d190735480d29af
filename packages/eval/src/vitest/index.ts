import type { ExpectStatic } from 'vitest';
import { type CheckerSpec, type CheckResult, createChecker, type TaskChecker } from '../checkers/checkers';
import type { StateReader } from '../checkers/state';
import { type DecisionMetricsOptions, type ScoredDecision, scoreStep } from '../metrics/decision-metrics';

/** What `toSucceedOn` needs of a task: its id and, when it has one, its checker. */
export interface TaskLike {
  id: string;
  checker?: CheckerSpec | undefined;
}

/** What the matchers need of a trajectory: its status, task id and steps' decisions. */
export interface TrajectoryLike {
  taskId?: string | undefined;
  status: string;
  reason?: string | undefined;
  steps: readonly { decision: ScoredDecision }[];
}

/** Options of `toSucceedOn`. */
export interface SucceedOnOptions {
  /** Reads the application's final state for the task's checker (required when the task has one). */
  state?: StateReader;
}

/** Options of `toMatchReference`. */
export interface MatchReferenceOptions extends DecisionMetricsOptions {
  /** The least share of steps that must match (default 1: all, and as many steps as the reference). */
  minStepSuccessRate?: number;
}

interface MatcherResult {
  pass: boolean;
  message: () => string;
}

function isTrajectory(value: unknown): value is TrajectoryLike {
  const v = value as Partial<TrajectoryLike> | null;
  return typeof v === 'object' && v !== null && typeof v.status === 'string' && Array.isArray(v.steps);
}

function notTrajectory(received: unknown, matcher: string): MatcherResult {
  return {
    pass: false,
    message: () =>
      `${matcher} expects a trajectory ({ status, steps }, e.g. from collectTrajectories or the agent), got ${typeof received === 'object' ? JSON.stringify(received)?.slice(0, 120) : String(received)}`,
  };
}

function describeCheck(r: CheckResult): string {
  return `${r.checker}: ${r.pass ? 'pass' : 'fail'} (${r.reason})`;
}

/**
 * The matchers, for `expect.extend(evalMatchers)`:
 * - `await expect(trajectory).toSucceedOn(task, { state })`: the trajectory is the task's, ended
 *   `finished`, and the task's checker passes on the final state;
 * - `await expect(stateReader).toPassCheck(checkerOrSpec)`: a checker passes on a state;
 * - `expect(trajectory).toMatchReference(referenceSteps, options)`: the decisions match a reference
 *   trajectory step by step (Table 3's step success).
 */
export const evalMatchers = {
  async toSucceedOn(
    received: unknown,
    task: TaskLike,
    options: SucceedOnOptions = {},
  ): Promise<MatcherResult> {
    if (!isTrajectory(received)) return notTrajectory(received, 'toSucceedOn');
    const problems: string[] = [];
    const notes: string[] = [];
    if (received.taskId !== undefined && received.taskId !== task.id)
      problems.push(`the trajectory is for task ${received.taskId}, not ${task.id}`);
    if (received.status !== 'finished')
      problems.push(
        `it ended with status ${received.status}${received.reason ? ` (${received.reason})` : ''}`,
      );
    else notes.push('it ended with status finished');
    if (task.checker !== undefined) {
      if (options.state === undefined) {
        problems.push('the task has a checker but no state reader was given: pass { state }');
      } else {
        const result = await createChecker(task.checker).check(options.state);
        (result.pass ? notes : problems).push(`checker ${describeCheck(result)}`);
      }
    }
    const pass = problems.length === 0;
    return {
      pass,
      message: () =>
        pass
          ? `expected the trajectory not to succeed on task ${task.id}, but ${notes.join('; ')}`
          : `expected the trajectory to succeed on task ${task.id}, but ${problems.join('; ')}`,
    };
  },

  async toPassCheck(received: unknown, checker: TaskChecker | CheckerSpec): Promise<MatcherResult> {
    const c: TaskChecker =
      typeof (checker as Partial<TaskChecker>).check === 'function'
        ? (checker as TaskChecker)
        : createChecker(checker as CheckerSpec);
    const result = await c.check(received as StateReader);
    return {
      pass: result.pass,
      message: () =>
        result.pass
          ? `expected ${describeCheck(result)} not to pass`
          : `expected the check to pass, but ${describeCheck(result)}`,
    };
  },

  toMatchReference(
    received: unknown,
    reference:
      | readonly ({ decision: ScoredDecision } | ScoredDecision)[]
      | { steps: readonly { decision: ScoredDecision }[] },
    options: MatchReferenceOptions = {},
  ): MatcherResult {
    if (!isTrajectory(received)) return notTrajectory(received, 'toMatchReference');
    const refSteps = Array.isArray(reference)
      ? reference
      : (reference as { steps: { decision: ScoredDecision }[] }).steps;
    const expected = refSteps.map((s) => ('decision' in s ? s.decision : s));
    const min = options.minStepSuccessRate ?? 1;
    const wrong: string[] = [];
    let matched = 0;
    expected.forEach((e, i) => {
      const p = received.steps[i]?.decision;
      if (p === undefined) {
        wrong.push(`step ${i + 1}: missing (expected ${e.function} on ${JSON.stringify(e.controlName)})`);
        return;
      }
      const s = scoreStep({ expected: e, predicted: p }, options);
      if (s.success) matched++;
      else {
        const what = [!s.object && 'object', !s.operation && 'operation', !s.status && 'status'].filter(
          Boolean,
        );
        wrong.push(
          `step ${i + 1}: ${what.join(', ')} differ (got ${p.function} on ${JSON.stringify(p.controlName)} ${p.status}, expected ${e.function} on ${JSON.stringify(e.controlName)} ${e.status})`,
        );
      }
    });
    const extra = received.steps.length - expected.length;
    if (extra > 0) wrong.push(`${extra} step(s) more than the reference`);
    const denominator = Math.max(expected.length, received.steps.length);
    const rate = denominator === 0 ? 1 : matched / denominator;
    const pass = rate >= min && (min < 1 || extra <= 0);
    return {
      pass,
      message: () =>
        pass
          ? `expected the trajectory not to match the reference, but ${matched} of ${denominator} steps match`
          : `expected at least ${(min * 100).toFixed(0)}% of steps to match the reference, got ${(rate * 100).toFixed(1)}%:\n  ${wrong.slice(0, 10).join('\n  ')}`,
    };
  },
};

/**
 * Registers {@link evalMatchers} with vitest's `expect` (call once, e.g. in a setup file):
 * `installEvalMatchers(expect)`. `expect` is passed in because vitest cannot be loaded from
 * CommonJS, so this module does not import it.
 */
export function installEvalMatchers(expect: Pick<ExpectStatic, 'extend'>): void {
  expect.extend(evalMatchers);
}

/** The matchers' types, added to vitest's `Assertion` by importing this module. */
export interface EvalMatchers<R = unknown> {
  toSucceedOn(task: TaskLike, options?: SucceedOnOptions): Promise<R>;
  toPassCheck(checker: TaskChecker | CheckerSpec): Promise<R>;
  toMatchReference(
    reference:
      | readonly ({ decision: ScoredDecision } | ScoredDecision)[]
      | { steps: readonly { decision: ScoredDecision }[] },
    options?: MatchReferenceOptions,
  ): R;
}

declare module 'vitest' {
  // biome-ignore lint/suspicious/noExplicitAny: must repeat vitest's own declaration to merge with it
  interface Matchers<T = any> extends EvalMatchers<T> {}
}
