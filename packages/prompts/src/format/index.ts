export { type ApiListOptions, formatApiList, formatArgumentSignature, selectActions } from './apis';
export {
  CONTROL_TYPE_DESCRIPTIONS,
  DEFAULT_GLOSSARY_TYPES,
  formatControlTypeGlossary,
} from './control-types';
export {
  ControlItem,
  type ControlTreeInput,
  type ControlTreeItem,
  formatCompactControls,
  formatControlList,
  toControlTree,
  toUfoControlItems,
  type UfoControlItem,
} from './controls';
export {
  columnLetters,
  documentParagraphs,
  formatDocumentLines,
  type SheetExtent,
  sheetOf,
  sheetRanges,
} from './document';
export { formatCompactHistory, formatStepHistory, HistoryEntry, HistoryItem, toHistoryItem } from './history';
export { formatJson } from './json';
