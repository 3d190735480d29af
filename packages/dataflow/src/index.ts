export {
  DATAFLOW_STAGES,
  type DataflowCommandOptions,
  type DataflowCommandResult,
  type DataflowStage,
  runDataflowCommand,
} from './cli';
export {
  type CheckInputs,
  type DerivedCheck,
  type DerivedCheckResult,
  deriveChecks,
  formatOf,
  runChecks,
} from './evaluate/checks';
export {
  type EvaluationProgress,
  type EvaluationSummary,
  type RunEvaluationOptions,
  runEvaluation,
} from './evaluate/run';
export {
  type ComposeOptions,
  composeTasks,
  type EvolveWithModelOptions,
  evolutionProblem,
  evolveWithModel,
  MAX_EXTRA_WORDS,
  topicWords,
} from './evolve/evolve';
export { liveLabel, type ReplayOptions, type ReplayResult, replayPlan } from './execute/replay';
export {
  type ExecutionProgress,
  type ExecutionSummary,
  type RunExecutionOptions,
  runExecution,
} from './execute/run';
export {
  type Alternative,
  alternativeRecord,
  chooseAlternatives,
  type ExplorationSummary,
  type RunExplorationOptions,
  runExploration,
} from './explore/alternatives';
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
export * from './generate/index';
export {
  type ClickRole,
  clauseIntent,
  type Intent,
  keysOf,
  namedObjects,
  type SelectionTarget,
  splitMenuPath,
  stepIntents,
  type UnsupportedReason,
} from './instantiate/intents';
export {
  chooseTarget,
  concreteRequest,
  type FilterReason,
  findControl,
  type PlanRejection,
  type PlanResult,
  type PlanSuccess,
  type RehearseOptions,
  readPlan,
  rehearsePlan,
  type TargetText,
  type TemplateParagraph,
} from './instantiate/planner';
export {
  type InstantiationProgress,
  type InstantiationSummary,
  type RunInstantiationOptions,
  readPairs,
  recordedIds,
  runInstantiation,
} from './instantiate/run';
export {
  chooseTemplate,
  chooseTemplateWithModel,
  defaultTemplatesDir,
  loadTemplateCatalogue,
  scoreTemplates,
  stems,
  type TemplateCatalogue,
  type TemplateInfo,
} from './instantiate/templates';
export {
  exportUfoResults,
  exportUfoTasks,
  importUfoResults,
  importUfoTasks,
  UFO_APPS,
} from './interop/ufo';
export { observeSettled, type SettleOptions, signature } from './live/observe';
export {
  closeTransients,
  extraWindows,
  type OpenedDocument,
  type WorkbenchOptions,
  type WorkbenchStats,
  WriterWorkbench,
} from './live/workbench';
export { TASK_PLAN_SYSTEM_PROMPT, type TaskPlanSampleOptions, taskPlanSample } from './postprocess/phase1';
export { type BuildPhase1Options, buildPhase1Dataset, type Phase1Counts } from './postprocess/phase1-dataset';
export { isTestTask, isTestTaskOf, type SplitOptions, splitByTask, splitRoots } from './postprocess/split';
export {
  type BuildTrajectorySetsOptions,
  buildTrajectorySets,
  type SplitCounts,
  type TrajectorySetCounts,
} from './postprocess/trajectory-sets';
export {
  type DataflowReport,
  dataflowPaths,
  executionFailureKind,
  NO_PREFERENCE_PAIRS,
  reportMarkdown,
  type StageReport,
  summarizeDataflow,
} from './report';
