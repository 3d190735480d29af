export {
  type DataflowCommandIo,
  DataflowOptions,
  dataflowCommand,
  isDataflowUsageError,
  type LamDataflowResult,
} from './commands/dataflow';
export {
  bundledSuites,
  bundledSuitesDir,
  type EvalCommandIo,
  EvalCommandOptions,
  type EvalCommandResult,
  evalCommand,
  REPLAY,
  resolveSuiteFile,
} from './commands/eval';
export { type ReportResult, reportCommand } from './commands/report';
export { askOnTerminal, type RunCommandIo, RunCommandOptions, runCommand } from './commands/run';
export {
  evaluateOffline,
  type OfflineResult,
  renderOptionsFor,
  renderTrainingData,
  stepSamples,
  type TrainCommandOptions,
  type TrainCommandResult,
  TrainConfig,
  trainCommand,
  trainingProjectDir,
} from './commands/train';
export { type ValidateResult, validateTrajectoryFile } from './commands/validate';
export {
  CONFIG_DEFAULTS,
  type ConfigKey,
  type ConfigSource,
  DEFAULT_CONFIG_FILE,
  describeConfig,
  envName,
  LamConfig,
  type ResolveConfigOptions,
  type ResolvedConfig,
  resolveConfig,
  type Settings,
} from './config';
export { type RunAgentOptions, type RunAgentResult, runAgent } from './run/agent-loop';
export { defaultModelSpec } from './run/default-model';
export {
  argumentSchemas,
  cellReferences,
  functionNamesFor,
  type PreviousStep,
  PromptSettings,
  previousStepOf,
  promptSettingsOf,
  quotedPhrases,
  renderStepPrompt,
  type StepPrompt,
  type StepPromptInput,
  stepConstraint,
} from './run/step-prompt';
export { VERSION } from './version';
