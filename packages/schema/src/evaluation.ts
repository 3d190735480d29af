import { z } from 'zod';
import { Metadata } from './control';
import { ActionArgs, DecisionStatus } from './decision';
import { LAM_ConversionError } from './errors';
import { ModelInfo, TrajectoryStatus } from './trajectory';
import { validate } from './validate';

/** A judge's verdict. Only `yes` counts as success (PAPER.md §6.4). */
export const Verdict = z.enum(['yes', 'no', 'unsure']);
export type Verdict = z.infer<typeof Verdict>;

/**
 * UFO's EvaluationAgent output (`evaluate.yaml`), stored as `execution_result.result`:
 * a reason, sub-scores per criterion the judge chose, and the overall `complete`.
 * Values are kept as strings (normally `yes`/`no`/`unsure`) so that any record round-trips.
 */
export const ExecutionEvaluation = z.strictObject({
  reason: z.string(),
  subScores: z.record(z.string(), z.string()),
  complete: z.string(),
  /** Keys of the UFO object this model has no field for, kept for a lossless export. */
  extra: Metadata.optional(),
});
export type ExecutionEvaluation = z.infer<typeof ExecutionEvaluation>;

/** Whether an evaluation counts as a success: `complete` is `yes` (any other value is a failure). */
export function isComplete(evaluation: { complete: string }): boolean {
  return evaluation.complete.trim().toLowerCase() === 'yes';
}

/** The paper's task-action evaluator output (App. B.2), camelCase. */
export const TaskActionEvaluation = z.strictObject({
  taskQuality: z.enum(['ambiguous', 'over detailed', 'good']),
  taskComplete: Verdict,
  completeJudgement: z.string(),
  qualityJudgement: z.string(),
});
export type TaskActionEvaluation = z.infer<typeof TaskActionEvaluation>;

/** The same evaluation with the paper's snake_case keys. */
export const PaperTaskActionEvaluation = z.strictObject({
  task_quality: TaskActionEvaluation.shape.taskQuality,
  task_complete: Verdict,
  complete_judgement: z.string(),
  quality_judgement: z.string(),
});
export type PaperTaskActionEvaluation = z.infer<typeof PaperTaskActionEvaluation>;

/** Converts App. B.2 output (snake_case) to {@link TaskActionEvaluation}. */
export function fromPaperTaskActionEvaluation(value: unknown): TaskActionEvaluation {
  const v = validate(PaperTaskActionEvaluation, value, { record: 'task-action evaluation (paper App. B.2)' });
  return {
    taskQuality: v.task_quality,
    taskComplete: v.task_complete,
    completeJudgement: v.complete_judgement,
    qualityJudgement: v.quality_judgement,
  };
}

/** Converts a {@link TaskActionEvaluation} to the paper's snake_case keys. */
export function toPaperTaskActionEvaluation(v: TaskActionEvaluation): PaperTaskActionEvaluation {
  return {
    task_quality: v.taskQuality,
    task_complete: v.taskComplete,
    complete_judgement: v.completeJudgement,
    quality_judgement: v.qualityJudgement,
  };
}

/** Why the filter rejected a task (PAPER.md §4.2); `None` when it passed. */
export const FilterRequestType = z.enum(['None', 'Non_task', 'App_involve', 'Env', 'Others']);
export type FilterRequestType = z.infer<typeof FilterRequestType>;

/** The instantiation filter's verdict: can the task run locally in the app alone? */
export const FilterVerdict = z.strictObject({
  judge: z.boolean(),
  thought: z.string(),
  type: FilterRequestType,
});
export type FilterVerdict = z.infer<typeof FilterVerdict>;

/** The planning judge's comparison of two plans (paper App. D), camelCase. */
export const PlanningJudgement = z.strictObject({
  /** Sub-task 1: can Answer1 solve the question. */
  answer1Solves: z.boolean(),
  /** Sub-task 2: can Answer2 solve the question. */
  answer2Solves: z.boolean(),
  /** Sub-task 3: action items of each answer, the similar pairs, and their count. */
  actionItems1: z.array(z.string()),
  actionItems2: z.array(z.string()),
  similarItems: z.array(z.string()),
  similarCount: z.int().nonnegative(),
  /** Sub-task 4: the more helpful answer, and why. */
  moreHelpful: z.enum(['1', '2']),
  reason: z.string(),
});
export type PlanningJudgement = z.infer<typeof PlanningJudgement>;

const YesNo = z.enum(['Yes', 'No']);
/** The planning judge's output with the paper's keys (App. D, PAPER.md §2.9). */
export const PaperPlanningJudgement = z.strictObject({
  Subtask1: YesNo,
  Subtask2: YesNo,
  Subtask3: z.strictObject({
    'Action items in Answer1': z.array(z.string()),
    'Action items in Answer2': z.array(z.string()),
    'Similar action items': z.array(z.string()),
    'Count of similar action items': z.int().nonnegative(),
  }),
  Subtask4: z.strictObject({ 'More helpful assistant': z.enum(['1', '2']), Reason: z.string() }),
});
export type PaperPlanningJudgement = z.infer<typeof PaperPlanningJudgement>;

/** Converts App. D output to {@link PlanningJudgement}. */
export function fromPaperPlanningJudgement(value: unknown): PlanningJudgement {
  const v = validate(PaperPlanningJudgement, value, { record: 'planning judgement (paper App. D)' });
  return {
    answer1Solves: v.Subtask1 === 'Yes',
    answer2Solves: v.Subtask2 === 'Yes',
    actionItems1: v.Subtask3['Action items in Answer1'],
    actionItems2: v.Subtask3['Action items in Answer2'],
    similarItems: v.Subtask3['Similar action items'],
    similarCount: v.Subtask3['Count of similar action items'],
    moreHelpful: v.Subtask4['More helpful assistant'],
    reason: v.Subtask4.Reason,
  };
}

/** Converts a {@link PlanningJudgement} to the paper's App. D keys. */
export function toPaperPlanningJudgement(v: PlanningJudgement): PaperPlanningJudgement {
  return {
    Subtask1: v.answer1Solves ? 'Yes' : 'No',
    Subtask2: v.answer2Solves ? 'Yes' : 'No',
    Subtask3: {
      'Action items in Answer1': v.actionItems1,
      'Action items in Answer2': v.actionItems2,
      'Similar action items': v.similarItems,
      'Count of similar action items': v.similarCount,
    },
    Subtask4: { 'More helpful assistant': v.moreHelpful, Reason: v.reason },
  };
}

/** Phase-1 planning evaluation of one task (paper §5.2.1): the judgement and the per-task figures. */
export const PlanningEvalRecord = z.strictObject({
  taskId: z.string(),
  task: z.string(),
  predictedPlan: z.array(z.string()),
  referencePlan: z.array(z.string()),
  /** Which answer slot of the judge held the prediction. */
  predictionIsAnswer: z.enum(['1', '2']),
  judgement: PlanningJudgement,
  /** Task success: the predicted plan can solve the task. */
  success: z.boolean(),
  /** Similar items / predicted items (0 when the prediction has none). */
  precision: z.number().min(0).max(1),
  /** Similar items / reference items (0 when the reference has none). */
  recall: z.number().min(0).max(1),
  model: ModelInfo.optional(),
  metadata: Metadata.optional(),
});
export type PlanningEvalRecord = z.infer<typeof PlanningEvalRecord>;

/** The parts of a decision that offline metrics compare. */
export const StepPrediction = z.strictObject({
  controlLabel: z.string(),
  controlName: z.string(),
  function: z.string(),
  args: ActionArgs,
  status: DecisionStatus,
});
export type StepPrediction = z.infer<typeof StepPrediction>;

/** Offline evaluation of one step against the ground truth (paper §5.3.1). */
export const OfflineStepEvalRecord = z.strictObject({
  taskId: z.string(),
  /** 1-based step number. */
  stepIndex: z.int().positive(),
  predicted: StepPrediction.nullable(),
  expected: StepPrediction,
  /** Labels or names also accepted as the right object, beyond `expected`'s. */
  acceptableControls: z.array(z.string()).optional(),
  objectCorrect: z.boolean(),
  operationCorrect: z.boolean(),
  statusCorrect: z.boolean(),
  /** Object, operation and status all correct. */
  success: z.boolean(),
  /** Why the prediction is missing or wrong (a parse error, a timeout). */
  error: z.string().optional(),
  model: ModelInfo.optional(),
  metadata: Metadata.optional(),
});
export type OfflineStepEvalRecord = z.infer<typeof OfflineStepEvalRecord>;

/** Offline evaluation of one task: it succeeds iff all its steps do. */
export const OfflineTaskEvalRecord = z.strictObject({
  taskId: z.string(),
  steps: z.int().nonnegative(),
  successfulSteps: z.int().nonnegative(),
  success: z.boolean(),
  model: ModelInfo.optional(),
  metadata: Metadata.optional(),
});
export type OfflineTaskEvalRecord = z.infer<typeof OfflineTaskEvalRecord>;

/** Online evaluation of one task run in a live environment (paper §7.4). */
export const OnlineEvalRecord = z.strictObject({
  taskId: z.string(),
  request: z.string(),
  trajectoryId: z.string().optional(),
  model: ModelInfo.optional(),
  /** How the run ended. */
  status: TrajectoryStatus,
  /** The judge's or the checker's verdict; only `yes` is a success. */
  verdict: Verdict,
  success: z.boolean(),
  /** Which judge decided: a deterministic checker id, or an LLM judge. */
  judge: z.string().optional(),
  evaluation: z.union([ExecutionEvaluation, TaskActionEvaluation]).optional(),
  /** From the request to the final action. */
  completionMs: z.number().nonnegative(),
  steps: z.int().nonnegative(),
  meanStepLatencyMs: z.number().nonnegative().optional(),
  error: z.string().optional(),
  metadata: Metadata.optional(),
});
export type OnlineEvalRecord = z.infer<typeof OnlineEvalRecord>;

/** Maps a verdict string from any judge (`Yes`, ` no `, `UNSURE`) to a {@link Verdict}. */
export function toVerdict(value: string): Verdict {
  const v = value.trim().toLowerCase();
  if (v === 'yes' || v === 'no' || v === 'unsure') return v;
  throw new LAM_ConversionError({
    format: 'verdict',
    path: [],
    reason: `${JSON.stringify(value)} is not yes, no or unsure`,
    fix: 'Ask the judge again, or treat the task as not complete.',
  });
}
