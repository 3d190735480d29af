export { type AccessibleRef, AtspiClient, hasState, loadDbus, type NodeInfo, STATE } from './atspi';
export {
  type CreateDesktopEnvironmentOptions,
  createDesktopEnvironment,
  DesktopEnvironment,
  type DesktopEnvironmentOptions,
  type DesktopObserveOptions,
} from './desktop-environment';
export {
  LAM_DesktopApiError,
  LAM_DesktopAppGoneError,
  LAM_DesktopDependencyError,
  LAM_DesktopStartError,
  LAM_DesktopTimeoutError,
  LAM_DocumentReadError,
} from './errors';
export {
  buttonNumber,
  keyOpsToXdotool,
  keysym,
  sendKeysToXdotool,
  typeCommands,
  type XdotoolCommand,
} from './input';
export {
  defaultRunDir,
  listSessionRecords,
  type ReapedSession,
  type Requirement,
  reapDesktopSessions,
  requirements,
  SESSION_ENV,
  type SessionRecord,
} from './processes';
export {
  a1Formula,
  type CellState,
  convertToFlat,
  type DocParagraph,
  type DocTable,
  parseFlatSpreadsheet,
  parseFlatText,
  readSpreadsheet,
  readTextDocument,
  type SheetState,
  type SpreadsheetState,
  type TextDocumentState,
  type TextFormat,
  type TextRun,
} from './readers';
export { controlStates, controlType } from './roles';
export { type DesktopApp, DesktopSession, type DesktopSessionOptions, startDesktopSession } from './session';
export { rootPaneShift, type WalkOptions } from './walk';
