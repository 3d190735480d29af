export {
  type DecisionMetrics,
  type DecisionMetricsOptions,
  decisionMetrics,
  type ScoredDecision,
  type ScoredStep,
  type ScoredTask,
  scoreStep,
} from './metrics/decision-metrics';
export {
  type OnlineMetrics,
  type OnlineMetricsOptions,
  type OnlineTaskRun,
  onlineMetrics,
} from './metrics/online-metrics';
