import { type SftSample, SftSample as SftSampleSchema, TaskPlanPair, validate } from '@lam/schema';

/** The instruction of phase-1 samples; the paper does not publish one, so this is ours. */
export const TASK_PLAN_SYSTEM_PROMPT =
  'You are an assistant that plans how to do tasks in desktop applications. Given a task, answer with the ' +
  'ordered steps that do it, one per line, naming the menus, buttons and fields to use in bold.';

export interface TaskPlanSampleOptions {
  /** The system message; `null` leaves it out. Defaults to `TASK_PLAN_SYSTEM_PROMPT`. */
  systemPrompt?: string | null;
}

/**
 * A phase-1 training sample (paper §4.1, task → plan) from a task-plan pair: the task as the user
 * message and the plan, one step per line, as the assistant target.
 */
export function taskPlanSample(input: TaskPlanPair, options: TaskPlanSampleOptions = {}): SftSample {
  const pair = validate(TaskPlanPair, input, { record: 'TaskPlanPair' });
  const system = options.systemPrompt === undefined ? TASK_PLAN_SYSTEM_PROMPT : options.systemPrompt;
  return validate(SftSampleSchema, {
    id: `${pair.taskId}#plan`,
    phase: 1,
    messages: [
      ...(system === null ? [] : [{ role: 'system' as const, content: system }]),
      { role: 'user' as const, content: pair.app ? `${pair.task} (in ${pair.app})` : pair.task },
      { role: 'assistant' as const, content: pair.plan.join('\n') },
    ],
    source: { taskId: pair.taskId },
  });
}
