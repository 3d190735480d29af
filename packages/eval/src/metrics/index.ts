export {
  type DecisionAccumulatorOptions,
  type DecisionMetrics,
  DecisionMetricsAccumulator,
  type DecisionMetricsOptions,
  decisionMetrics,
  type ScoredDecision,
  type ScoredStep,
  type ScoredTask,
  scoreStep,
} from './decision-metrics';
export {
  type Mind2WebMetrics,
  type Mind2WebMetricsOptions,
  type Mind2WebOperation,
  type Mind2WebStep,
  type Mind2WebTask,
  mind2webMetrics,
  operationF1,
  scoreMind2WebStep,
} from './mind2web';
export {
  type OnlineMetrics,
  OnlineMetricsAccumulator,
  type OnlineMetricsOptions,
  type OnlineTaskRun,
  onlineMetrics,
  onlineRunFromRecord,
  trajectoryTotals,
} from './online-metrics';
export {
  aggregatePlanning,
  type LexicalStepMatcherOptions,
  lexicalStepMatcher,
  type PlanMatch,
  type PlanningMetrics,
  type PlanningMetricsOptions,
  type PlanningTask,
  planningMetrics,
  type StepMatcher,
  stepTokens,
} from './planning-metrics';
export {
  type GroundingAccuracyOptions,
  type GroundingBox,
  type GroundingMetrics,
  type GroundingSample,
  type GroundingSlice,
  groundingAccuracy,
  pointInBox,
} from './screenspot';
export {
  type PhaseTiming,
  quantile,
  STEP_PHASES,
  type StepPhase,
  stepTimingSummary,
} from './step-timings';
export {
  type DecisionMetricsFromJsonlOptions,
  decisionMetricsFromJsonl,
  summarizeTrajectoryLog,
  type TrajectoryLogOptions,
  type TrajectoryLogSummary,
} from './stream';
