import { z } from 'zod';
import { Metadata } from './control';
import { ActionArgs } from './decision';
import { ExecutionEvaluation, FilterVerdict } from './evaluation';

/** Where a task-plan pair came from (paper §3.1). */
export const TaskPlanSource = z.enum(['docs', 'wikihow', 'search', 'evolved', 'other']);
export type TaskPlanSource = z.infer<typeof TaskPlanSource>;

/** A task and the plan that solves it (paper §3.1, PAPER.md §2.1). Phase-1 data: task → plan. */
export const TaskPlanPair = z.strictObject({
  /** e.g. `word_032`. */
  taskId: z.string().min(1),
  task: z.string(),
  /** Ordered steps, e.g. `1. Go to **Design** > Page Borders.` */
  plan: z.array(z.string()),
  app: z.string().optional(),
  source: TaskPlanSource.optional(),
  /** The task id this one was evolved from. */
  evolvedFrom: z.string().optional(),
  metadata: Metadata.optional(),
});
export type TaskPlanPair = z.infer<typeof TaskPlanPair>;

/** A dataflow task input (PAPER.md §2.2): the task and its plan, for one app. */
export const DataflowTask = z.strictObject({
  /** `word`, `excel`, `powerpoint`, or a Linux app such as `writer`, `calc`. */
  app: z.string().min(1),
  uniqueId: z.string(),
  task: z.string(),
  refinedSteps: z.array(z.string()),
  /** The file name (without extension) the document will be saved under. */
  name: z.string().optional(),
  /** Keys of the UFO object this model has no field for, kept for a lossless export. */
  extra: Metadata.optional(),
});
export type DataflowTask = z.infer<typeof DataflowTask>;

/**
 * One step of an instantiated plan (PAPER.md §2.4) with the paper's figure keys in camelCase.
 * `success` and `matchedControlText` are added by execution. Optional and nullable follow UFO:
 * an absent key and a `null` stay distinct so that a record round-trips.
 */
export const InstantiatedStep = z.strictObject({
  /** 1-based. */
  step: z.int(),
  /** What this action does (UFO `Subtask`). */
  subtask: z.string(),
  controlLabel: z.string().nullable().optional(),
  /** Exact control name; `""` means the whole window / no control. */
  controlText: z.string().optional(),
  function: z.string(),
  args: ActionArgs,
  success: z.boolean().nullable().optional(),
  matchedControlText: z.string().nullable().optional(),
  extra: Metadata.optional(),
});
export type InstantiatedStep = z.infer<typeof InstantiatedStep>;

/** A task made concrete for one template document, with its action plan, ready to execute. */
export const InstantiatedTask = z.strictObject({
  uniqueId: z.string(),
  app: z.string(),
  originalTask: z.string(),
  originalSteps: z.array(z.string()),
  /** The template document copied for this task; `null` if none was chosen. */
  templatePath: z.string().nullable(),
  /** The concrete request (UFO `instantiated_request`). */
  request: z.string(),
  plan: z.array(InstantiatedStep),
  /** The filter's verdict, when the filter ran. */
  filter: FilterVerdict.optional(),
  metadata: Metadata.optional(),
});
export type InstantiatedTask = z.infer<typeof InstantiatedTask>;

const WithExtra = { extra: Metadata.optional() };
/** A stage's `{result, error}` pair where `result` is a string (the template path). */
const StageString = z.strictObject({
  result: z.string().nullable(),
  error: z.string().nullable(),
  ...WithExtra,
});

/** A stage error as UFO stores it for execution: `{type, message, traceback}`. */
export const StageError = z.strictObject({
  type: z.string(),
  message: z.string(),
  traceback: z.string(),
  ...WithExtra,
});
export type StageError = z.infer<typeof StageError>;

/**
 * The record the dataflow writes per task (UFO's instantiation and execution records,
 * PAPER.md §2.5-2.6), camelCase. It holds both forms: an instantiation record has
 * `execution: null` (or null result and error), an execution record fills it and the plan
 * steps' `success`. Converts losslessly with {@link fromUfoDataflowRecord} / {@link toUfoDataflowRecord}.
 */
export const DataflowRecord = z.strictObject({
  uniqueId: z.string(),
  app: z.string(),
  original: z.strictObject({ task: z.string(), steps: z.array(z.string()), ...WithExtra }),
  execution: z
    .strictObject({
      result: ExecutionEvaluation.nullable(),
      error: StageError.nullable(),
      ...WithExtra,
    })
    .nullable(),
  instantiation: z.strictObject({
    chooseTemplate: StageString.optional(),
    prefill: z
      .strictObject({
        result: z
          .strictObject({ request: z.string(), plan: z.array(InstantiatedStep).nullable(), ...WithExtra })
          .nullable(),
        error: z.string().nullable(),
        ...WithExtra,
      })
      .nullable()
      .optional(),
    evaluation: z
      .strictObject({
        result: z
          .strictObject({ judge: z.boolean(), thought: z.string(), requestType: z.string(), ...WithExtra })
          .nullable(),
        error: z.string().nullable(),
        ...WithExtra,
      })
      .optional(),
    ...WithExtra,
  }),
  /** Seconds per stage; `null` when the stage did not run. */
  timeCost: z.strictObject({
    chooseTemplate: z.number().nullable(),
    prefill: z.number().nullable(),
    instantiationEvaluation: z.number().nullable(),
    execute: z.number().nullable().optional(),
    executeEval: z.number().nullable().optional(),
    total: z.number().nullable(),
    ...WithExtra,
  }),
  ...WithExtra,
});
export type DataflowRecord = z.infer<typeof DataflowRecord>;

/** Where a dataflow record is routed (PAPER.md §2.6): `complete` yes / no / unsure; anything else is a failure. */
export function executionOutcome(record: DataflowRecord): 'pass' | 'fail' | 'unsure' | 'not-executed' {
  const result = record.execution?.result;
  if (result === undefined || result === null) return 'not-executed';
  const c = result.complete.trim().toLowerCase();
  return c === 'yes' ? 'pass' : c === 'unsure' ? 'unsure' : 'fail';
}
