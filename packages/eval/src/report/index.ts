export {
  type BuildReportOptions,
  buildReport,
  type EvalReport,
  type ReportStep,
  type ReportSystem,
  type ReportTask,
  type SystemInput,
  toJson,
} from './build';
export { barChartSvg, escapeHtml, type HtmlOptions, lineChartSvg, toHtml } from './html';
export { type MarkdownOptions, toMarkdown } from './markdown';
export { comparisonTable, type ReportTable, reportTables, type TablePreset } from './tables';
