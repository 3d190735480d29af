export {
  type BudgetOptions,
  type BudgetResult,
  budgetControls,
  ControlFilter,
  controlPasses,
  controlRelevance,
  estimateTokens,
  flattenControls,
  LabelOptions,
  labelControls,
  labelFor,
  pickControlFilter,
  type RelevanceQuery,
  SerializeOptions,
  selectControls,
  serializeControl,
  serializeControls,
  toUfoItem,
  UFO_CONTROL_TYPES,
  type UfoControlItem,
  Viewport,
} from './controls/index';
export {
  checkGeometry,
  convertPoint,
  convertRect,
  type FitOptions,
  fitImageSize,
  type Geometry,
  imageSize,
  type Size,
  type XY,
} from './coordinates';
export {
  type Environment,
  type ExecuteOutput,
  type ExecuteRequest,
  META_ACTIONS,
  type ObserveOptions,
  type Screenshot,
  type ScreenshotOptions,
} from './environment';
export {
  type ControlCandidate,
  LAM_ActionTargetError,
  LAM_AmbiguousControlError,
  LAM_ControlNotFoundError,
  LAM_EnvironmentError,
  LAM_InvalidCoordinatesError,
  LAM_KeySyntaxError,
  LAM_NoEffectError,
  LAM_StaleControlError,
  LAM_UnsafeActionError,
  LAM_UnsupportedActionError,
} from './errors';
export {
  createExecutor,
  type Executor,
  type ExecutorOptions,
  executeAction,
  type StepOutcome,
  type StepStatus,
} from './executor';
export { type KeyOp, type Modifier, parseSendKeys, toPlaywrightKey } from './keys';
export { type ControlMatch, type MatchOptions, matchControls, nameSimilarity, normalizeName } from './match';
export { DEFAULT_MATCH_THRESHOLD, type Resolution, type ResolveOptions, resolveDecision } from './resolve';
export {
  type ConfirmationRequest,
  type ConfirmCallback,
  createSafetyPolicy,
  DEFAULT_SAFETY_RULES,
  DOCUMENT_EDITORS,
  type SafetyDecision,
  type SafetyInput,
  type SafetyPolicy,
  type SafetyPolicyOptions,
  SafetyRule,
  SensitiveKind,
  Verdict,
} from './safety/policy';
export { DEFAULT_MARK_COLOR, markColor, SET_OF_MARK_COLORS } from './som/colors';
