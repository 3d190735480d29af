export {
  CheckerSpec,
  CheckResult,
  createChecker,
  defineChecker,
  describeMatch,
  type TaskChecker,
  TextMatch,
  textMatches,
} from './checkers';
export { createPageReader, type PageLike } from './page-reader';
export type {
  CellState,
  CellValue,
  DocParagraph,
  ElementState,
  PageReader,
  SheetState,
  SpreadsheetState,
  StateReader,
  TextDocumentState,
  TextFormat,
  TextRun,
} from './state';
