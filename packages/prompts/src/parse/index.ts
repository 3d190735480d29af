export {
  type DecisionParseInfo,
  decisionFormat,
  type ParseDecisionOptions,
  parseDecision,
  type SafeParseDecisionResult,
  safeParseDecision,
} from './decision';
export { type ExtractedJson, extractJson, type JsonSource, MAX_JSON_DEPTH } from './extract';
export { detectConvention, reduceKey } from './keys';
export {
  ExtractedTaskPlan,
  type PrefillResult,
  parseEvolvedTask,
  parseExecutionEvaluation,
  parseFilterVerdict,
  parsePlanningJudgement,
  parsePrefill,
  parseTaskActionEvaluation,
  parseTaskPlanExtraction,
  parseTemplateChoice,
  type TemplateChoice,
} from './records';
