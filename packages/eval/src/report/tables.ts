import type { PhaseTiming, StepPhase } from '../metrics/step-timings';
import type { EvalReport, ReportSystem } from './build';

/** A table of figures: a caption, column headings, and rows of cells as text. */
export interface ReportTable {
  id: string;
  caption: string;
  columns: string[];
  rows: string[][];
}

/**
 * Which tables a report shows:
 * - `paper`: the LAM paper's Tables 2-4 layout (metrics as rows, systems as columns), nothing else;
 * - `full` (default): those tables with extra rows (intervals, model vs environment time, tokens),
 *   plus Mind2Web and ScreenSpot tables when there are figures for them.
 */
export type TablePreset = 'paper' | 'full';

const pct = (x: number) => (x * 100).toFixed(1);
const sec = (x: number) => x.toFixed(2);
const num = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(2));

function table<K extends keyof ReportSystem>(
  report: EvalReport,
  key: K,
  id: string,
  caption: string,
  full: boolean,
  rows: [string, (v: NonNullable<ReportSystem[K]>, s: ReportSystem) => string, 'extra'?][],
): ReportTable | undefined {
  const systems = report.systems.filter((s) => s[key] !== undefined);
  if (systems.length === 0) return undefined;
  return {
    id,
    caption,
    columns: ['Metric', ...systems.map((s) => s.name)],
    rows: rows
      .filter(([, , extra]) => full || extra === undefined)
      .map(([label, cell]) => [label, ...systems.map((s) => cell(s[key]!, s))]),
  };
}

/** The report's tables under a {@link TablePreset}. */
export function reportTables(report: EvalReport, preset: TablePreset = 'full'): ReportTable[] {
  const full = preset === 'full';
  const tables = [
    table(report, 'planning', 'table-2', 'Table 2. Planning (task-plan pairs)', full, [
      ['Task Success Rate %', (p) => pct(p.taskSuccessRate)],
      ['Step Precision %', (p) => pct(p.stepPrecision)],
      ['Step Recall %', (p) => pct(p.stepRecall)],
      ['Tasks', (p) => String(p.tasks), 'extra'],
    ]),
    table(report, 'offline', 'table-3', 'Table 3. Offline decision making (teacher forcing)', full, [
      ['Object Acc %', (o) => pct(o.objectAccuracy)],
      ['Operation Acc %', (o) => pct(o.operationAccuracy)],
      ['Status Acc %', (o) => pct(o.statusAccuracy)],
      ['Step Success Rate %', (o) => pct(o.stepSuccessRate)],
      ['Task Success Rate %', (o) => pct(o.taskSuccessRate)],
      ['Steps / tasks', (o) => `${o.steps} / ${o.tasks}`, 'extra'],
    ]),
    table(report, 'online', 'table-4', 'Table 4. Online, in the live application', full, [
      ['Task Success Rate %', (o, s) => (s.judged === false ? 'not judged' : pct(o.taskSuccessRate))],
      [
        '95% interval %',
        (_o, s) =>
          s.successInterval === undefined || s.judged === false
            ? '-'
            : `${pct(s.successInterval.lower)}-${pct(s.successInterval.upper)}`,
        'extra',
      ],
      ['Task Completion Time s', (o) => sec(o.averageCompletionSeconds)],
      ['Task Completion Steps', (o) => num(o.averageSteps)],
      ['Average Step Latency s', (o) => sec(o.averageStepLatencySeconds)],
      ['Model time s', (o) => sec(o.averageModelSeconds), 'extra'],
      ['Environment time s', (o) => sec(o.averageEnvironmentSeconds), 'extra'],
      ['Model share of time %', (o) => pct(o.modelTimeShare), 'extra'],
      [
        'Input / output tokens',
        (o) => `${Math.round(o.averageInputTokens)} / ${Math.round(o.averageOutputTokens)}`,
        'extra',
      ],
      ['Tasks', (o) => String(o.tasks), 'extra'],
    ]),
  ];
  if (full) {
    const timing = (
      label: string,
      phase: StepPhase,
    ): [string, (t: Partial<Record<StepPhase, PhaseTiming>>) => string] => [
      label,
      (t) =>
        t[phase] === undefined ? '-' : `${Math.round(t[phase].medianMs)} / ${Math.round(t[phase].p95Ms)}`,
    ];
    tables.push(
      table(report, 'stepTimings', 'step-time', 'Step time, median / p95 ms', full, [
        timing('Observe', 'observeMs'),
        timing('Prompt render', 'renderMs'),
        timing('Prefill', 'prefillMs'),
        timing('Decode', 'decodeMs'),
        timing('Parse', 'parseMs'),
        timing('Resolve', 'resolveMs'),
        timing('Execute', 'executeMs'),
        timing('Whole step', 'totalMs'),
        ['Steps', (t) => String(t.totalMs?.steps ?? 0)],
      ]),
      table(report, 'mind2web', 'mind2web', 'Mind2Web', full, [
        ['Element Accuracy %', (m) => pct(m.elementAccuracy)],
        ['Operation F1 %', (m) => pct(m.operationF1)],
        ['Step Success Rate %', (m) => pct(m.stepSuccessRate)],
        ['Task Success Rate %', (m) => pct(m.taskSuccessRate)],
      ]),
      table(report, 'grounding', 'screenspot', 'ScreenSpot-style grounding', full, [
        ['Accuracy %', (g) => pct(g.accuracy)],
        ['Text %', (g) => pct(g.text.accuracy)],
        ['Icon %', (g) => pct(g.icon.accuracy)],
        ['Refusal rate %', (g) => pct(g.refusalRate)],
      ]),
    );
  }
  return tables.filter((t): t is ReportTable => t !== undefined);
}

/** The paired comparisons as a table (empty when there are none). */
export function comparisonTable(report: EvalReport): ReportTable | undefined {
  if (report.comparisons.length === 0) return undefined;
  return {
    id: 'comparisons',
    caption: 'Paired comparisons of task success (candidate − baseline, same tasks)',
    columns: [
      'Baseline',
      'Candidate',
      'Tasks',
      'Difference pp',
      '95% interval pp',
      'Wins / losses',
      'p (permutation)',
      'p (McNemar)',
    ],
    rows: report.comparisons.map(({ baseline, candidate, comparison: c }) => [
      baseline,
      candidate,
      String(c.n),
      pct(c.difference.estimate),
      `${pct(c.difference.lower)} to ${pct(c.difference.upper)}`,
      `${c.wins} / ${c.losses}`,
      c.pValue.toFixed(3),
      c.mcnemarPValue === undefined ? '-' : c.mcnemarPValue.toFixed(3),
    ]),
  };
}
