export {
  type BudgetOptions,
  type BudgetResult,
  budgetControls,
  controlRelevance,
  estimateTokens,
  type RelevanceQuery,
} from './budget';
export {
  ControlFilter,
  controlPasses,
  flattenControls,
  LabelOptions,
  labelControls,
  labelFor,
  pickControlFilter,
  selectControls,
  UFO_CONTROL_TYPES,
  Viewport,
} from './select';
export {
  SerializeOptions,
  serializeControl,
  serializeControls,
  toUfoItem,
  type UfoControlItem,
} from './serialize';
