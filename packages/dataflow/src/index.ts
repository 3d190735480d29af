export { type DataflowCommandOptions, type DataflowCommandResult, runDataflowCommand } from './cli';
export {
  type ComposeOptions,
  composeTasks,
  type EvolveWithModelOptions,
  evolutionProblem,
  evolveWithModel,
  MAX_EXTRA_WORDS,
  topicWords,
} from './evolve/evolve';
export {
  type HelpApp,
  type HelpProcedure,
  type ParseHelpPageOptions,
  parseHelpPage,
} from './extract/help-html';
export {
  appOfHelpFile,
  DEFAULT_HELP_DIR,
  type ExtractionProgress,
  type ExtractionSummary,
  type RunExtractionOptions,
  runExtraction,
} from './extract/run';
export {
  type Candidate,
  type DropReason,
  dedupKey,
  gerundToVerb,
  normaliseStep,
  type PairLimits,
  taskFromHeading,
  taskIdFor,
  toCandidate,
} from './extract/task-plan';
export { TASK_PLAN_SYSTEM_PROMPT, type TaskPlanSampleOptions, taskPlanSample } from './postprocess/phase1';
export { type BuildPhase1Options, buildPhase1Dataset, type Phase1Counts } from './postprocess/phase1-dataset';
export { isTestTask, type SplitOptions, splitByTask } from './postprocess/split';
