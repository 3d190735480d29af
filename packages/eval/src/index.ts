export * from './checkers';
export { LAM_EvalInputError, LAM_StateReaderError, LAM_StepLimitError, LAM_TaskSuiteError } from './errors';
export * from './harness';
export * from './judges';
export * from './metrics';
export * from './report';
export {
  type BootstrapOptions,
  bootstrapInterval,
  type Interval,
  type PairedComparison,
  type PairedComparisonOptions,
  pairedComparison,
  seededRandom,
  type TaskOutcome,
} from './stats/bootstrap';
