export { createProgressPrinter, type ProgressPrinterOptions } from './progress';
export {
  type AgentRunContext,
  type AgentRunner,
  type AgentRunOutcome,
  type EnvironmentProvider,
  loadRun,
  onlineRunFromResult,
  type ProgressEvent,
  type RunSuiteOptions,
  runSuite,
  type SuiteRunResult,
  type TaskEnvironment,
} from './run-suite';
export { defineTaskSuite, loadTaskSuite, StartState, TaskSpec, TaskSuite } from './task-suite';
