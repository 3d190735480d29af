import type { EvalReport } from './build';
import { comparisonTable, type ReportTable, reportTables, type TablePreset } from './tables';

/** Options of {@link toMarkdown}. */
export interface MarkdownOptions {
  /** `paper`: only Tables 2-4 in the paper's layout; `full` (default): every table and the task list. */
  preset?: TablePreset;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function markdownTable(t: ReportTable): string {
  const head = `| ${t.columns.map(cell).join(' | ')} |`;
  const rule = `| ${t.columns.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`;
  const body = t.rows.map((r) => `| ${r.map(cell).join(' | ')} |`);
  return [`**${t.caption}**`, '', head, rule, ...body].join('\n');
}

/** Renders a report as Markdown: the tables, the comparisons and (preset `full`) one line per task. */
export function toMarkdown(report: EvalReport, options: MarkdownOptions = {}): string {
  const preset = options.preset ?? 'full';
  const parts = [`# ${report.title}`, '', `Created ${report.createdAt}.`];
  for (const t of reportTables(report, preset)) parts.push('', markdownTable(t));
  if (preset === 'full') {
    const comparisons = comparisonTable(report);
    if (comparisons) parts.push('', markdownTable(comparisons));
    if (report.tasks.length > 0) {
      parts.push(
        '',
        '## Tasks',
        '',
        markdownTable({
          id: 'tasks',
          caption: 'Per-task results',
          columns: ['System', 'Task', 'Verdict', 'Status', 'Steps', 'Time s', 'Why'],
          rows: report.tasks.map((t) => [
            t.system,
            t.taskId,
            t.verdict,
            t.status,
            String(t.steps.length),
            (t.completionMs / 1000).toFixed(1),
            t.error ?? t.reason ?? '',
          ]),
        }),
      );
    }
  }
  return `${parts.join('\n')}\n`;
}
