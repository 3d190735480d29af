import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataflowRecord, executionOutcome, readJsonl } from '@lam/schema';

/** Where each stage of `runDataflowCommand` reads and writes, under its output folder. */
export function dataflowPaths(outDir: string) {
  return {
    pairs: join(outDir, 'task-plans.jsonl'),
    evolved: join(outDir, 'evolved.jsonl'),
    imported: join(outDir, 'imported-tasks.jsonl'),
    importedRecords: join(outDir, 'imported-records.jsonl'),
    phase1: join(outDir, 'phase1'),
    instantiation: join(outDir, 'instantiation.jsonl'),
    execution: join(outDir, 'execution.jsonl'),
    trajectories: join(outDir, 'trajectories.jsonl'),
    evaluation: join(outDir, 'evaluation.jsonl'),
    alternatives: join(outDir, 'alternatives.jsonl'),
    alternativeExecution: join(outDir, 'alternatives-execution.jsonl'),
    alternativeTrajectories: join(outDir, 'alternatives-trajectories.jsonl'),
    alternativeEvaluation: join(outDir, 'alternatives-evaluation.jsonl'),
    alternativeDocuments: join(outDir, 'alternatives', 'documents'),
    alternativeScreenshots: join(outDir, 'alternatives', 'screenshots'),
    documents: join(outDir, 'documents'),
    screenshots: join(outDir, 'screenshots'),
    ufo: join(outDir, 'ufo'),
    summaryJson: join(outDir, 'summary.json'),
    summaryMarkdown: join(outDir, 'summary.md'),
  };
}

/** Counts of one stage with its failure reasons. */
export interface StageReport {
  total: number;
  passed: number;
  failed: number;
  reasons: Record<string, number>;
  /** Distinct abstract tasks among the passed ones (instances of one task on several templates count once). */
  passedTasks: number;
}

const abstractTask = (r: DataflowRecord) => String(r.extra?.variantOf ?? r.uniqueId);

/** The summary report of a dataflow folder: what each stage holds, and why tasks dropped out. */
export interface DataflowReport {
  outDir: string;
  generatedAt: string;
  pairs: {
    extracted: number;
    evolved: number;
    imported: number;
    writer: number;
    calc: number;
    other: number;
  };
  phase1: { train: number; test: number };
  instantiation: StageReport & { byTemplate: Record<string, number> };
  execution: StageReport & { steps: number };
  evaluation: StageReport & { unsure: number; byMethod: Record<string, number> };
  /**
   * Alternative attempts of passing tasks (stage `explore`): each leaves the plan at one step for
   * the closest other control; `failed` ones are phase 4's negatives.
   */
  alternatives: {
    total: number;
    failed: number;
    passed: number;
    unsure: number;
    reasons: Record<string, number>;
  };
  datasets: Record<string, number>;
  /**
   * Post-processing: the evaluated trajectories the phase 2-4 sets are made of (phase 2 and 3 from the
   * passing ones, phase 4 rewards from passing and failing ones), those left out with why, and the
   * preference pairs with why there are none when there are none.
   */
  postprocess: {
    passing: number;
    failing: number;
    /** Evaluated trajectories in no set, by why. */
    reasons: Record<string, number>;
    preferencePairs: number;
    /** Why there are no preference pairs, when there are none. */
    noPreferencePairs?: string;
  };
  /** Seconds per stage in the run that wrote the report (absent for stages it did not run). */
  seconds: Record<string, number>;
  /** Executed tasks per minute of instantiation + execution + evaluation time in that run. */
  tasksPerMinute?: number;
}

async function lines(file: string): Promise<number> {
  if (!existsSync(file)) return 0;
  const text = readFileSync(file, 'utf8');
  return text.split('\n').filter((l) => l.trim() !== '').length;
}

async function records(file: string): Promise<DataflowRecord[]> {
  const out = new Map<string, DataflowRecord>();
  if (!existsSync(file)) return [];
  for await (const r of readJsonl(file, { schema: DataflowRecord, skipInvalid: true }))
    out.set(r.uniqueId, r);
  return [...out.values()];
}

function bump(map: Record<string, number>, key: string): void {
  map[key] = (map[key] ?? 0) + 1;
}

/** A short failure class of an execution error message. */
export function executionFailureKind(message: string): string {
  const m = message.toLowerCase();
  if (/reaches the threshold|not found|no control|unresolved|does not match/.test(m))
    return 'no matching control';
  if (/ambiguous/.test(m)) return 'ambiguous control';
  if (/not on screen/.test(m)) return 'control off screen';
  if (/timed out|timeout/.test(m)) return 'timeout';
  if (
    /libreoffice (failed|gone)|not on the accessibility bus|exited|could not be opened|could not be observed/.test(
      m,
    )
  )
    return 'LibreOffice crashed or could not open the document';
  return 'action error';
}

/**
 * Reads a dataflow folder and counts what each stage holds: pairs, phase-1 samples, instantiated
 * and filtered tasks (by reason and template), executions (by failure kind), verdicts (by reason and
 * method) and the phase 2-4 datasets.
 */
export async function summarizeDataflow(
  outDir: string,
  run: { seconds?: Record<string, number>; tasksPerMinute?: number } = {},
): Promise<DataflowReport> {
  const paths = dataflowPaths(outDir);
  const pairsByApp = { writer: 0, calc: 0, other: 0 };
  for (const f of [paths.pairs, paths.evolved, paths.imported]) {
    if (!existsSync(f)) continue;
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      const app = (JSON.parse(line) as { app?: string }).app;
      if (app === 'writer' || app === 'calc') pairsByApp[app]++;
      else pairsByApp.other++;
    }
  }
  const inst = await records(paths.instantiation);
  const instantiation: DataflowReport['instantiation'] = {
    total: inst.length,
    passed: 0,
    failed: 0,
    reasons: {},
    passedTasks: new Set(
      inst.filter((r) => r.instantiation.evaluation?.result?.judge === true).map(abstractTask),
    ).size,
    byTemplate: {},
  };
  for (const r of inst) {
    if (r.instantiation.evaluation?.result?.judge === true) {
      instantiation.passed++;
      bump(instantiation.byTemplate, String(r.instantiation.chooseTemplate?.extra?.file ?? 'unknown'));
    } else {
      instantiation.failed++;
      bump(
        instantiation.reasons,
        String(
          r.instantiation.extra?.filterReason ?? r.instantiation.evaluation?.result?.requestType ?? 'unknown',
        ),
      );
    }
  }
  const exec = await records(paths.execution);
  const execution: DataflowReport['execution'] = {
    total: exec.length,
    passed: 0,
    failed: 0,
    reasons: {},
    passedTasks: new Set(exec.filter((r) => r.execution?.error === null).map(abstractTask)).size,
    steps: 0,
  };
  for (const r of exec) {
    const plan = r.instantiation.prefill?.result?.plan ?? [];
    execution.steps += plan.filter((s) => s.success !== null && s.success !== undefined).length;
    if (r.execution?.error === null) execution.passed++;
    else {
      execution.failed++;
      bump(execution.reasons, executionFailureKind(r.execution?.error?.message ?? ''));
    }
  }
  const evald = await records(paths.evaluation);
  const evaluation: DataflowReport['evaluation'] = {
    total: evald.length,
    passed: 0,
    failed: 0,
    unsure: 0,
    reasons: {},
    passedTasks: new Set(evald.filter((r) => executionOutcome(r) === 'pass').map(abstractTask)).size,
    byMethod: {},
  };
  for (const r of evald) {
    const outcome = executionOutcome(r);
    const result = r.execution?.result;
    const checks = (result?.extra?.checks as { id: string; pass: boolean }[] | undefined) ?? [];
    const method =
      r.execution?.error !== null
        ? 'execution failed'
        : checks.length > 0
          ? 'deterministic checks'
          : result?.subScores['llm-judge'] !== undefined
            ? 'llm judge'
            : 'no check';
    bump(evaluation.byMethod, method);
    if (outcome === 'pass') evaluation.passed++;
    else {
      if (outcome === 'unsure') evaluation.unsure++;
      else evaluation.failed++;
      if (r.execution?.error !== null) bump(evaluation.reasons, 'execution failed');
      else if (checks.some((c) => !c.pass))
        for (const c of checks.filter((x) => !x.pass))
          bump(evaluation.reasons, `check failed: ${c.id.replace(/\(.*$/, '')}`);
      else
        bump(
          evaluation.reasons,
          outcome === 'unsure' ? 'no deterministic check, no judge' : `judge: ${outcome}`,
        );
    }
  }
  const alternatives: DataflowReport['alternatives'] = {
    total: 0,
    failed: 0,
    passed: 0,
    unsure: 0,
    reasons: {},
  };
  for (const r of await records(paths.alternativeEvaluation)) {
    alternatives.total++;
    const outcome = executionOutcome(r);
    if (outcome === 'pass') alternatives.passed++;
    else if (outcome === 'unsure') alternatives.unsure++;
    else {
      alternatives.failed++;
      const checks =
        (r.execution?.result?.extra?.checks as { id: string; pass: boolean }[] | undefined) ?? [];
      if (r.execution?.error !== null)
        bump(
          alternatives.reasons,
          `execution failed: ${executionFailureKind(r.execution?.error?.message ?? '')}`,
        );
      else
        for (const c of checks.filter((x) => !x.pass))
          bump(alternatives.reasons, `check failed: ${c.id.replace(/\(.*$/, '')}`);
    }
  }
  const datasets: Record<string, number> = {};
  for (const [phase, files] of Object.entries({
    phase2: ['train.jsonl', 'test.jsonl'],
    phase3: ['train.jsonl', 'test.jsonl'],
    phase4: ['reward-train.jsonl', 'reward-test.jsonl', 'preference-train.jsonl', 'preference-test.jsonl'],
  })) {
    for (const f of files) {
      const file = join(outDir, phase, f);
      if (existsSync(file)) datasets[`${phase}/${f}`] = await lines(file);
    }
  }
  const preferencePairs = Object.entries(datasets)
    .filter(([k]) => k.startsWith('phase4/preference-'))
    .reduce((sum, [, v]) => sum + v, 0);
  const postprocess: DataflowReport['postprocess'] = {
    passing: evaluation.passed,
    failing: evaluation.failed,
    reasons: evaluation.unsure > 0 ? { 'verdict unsure': evaluation.unsure } : {},
    preferencePairs,
    ...(preferencePairs === 0 && evaluation.total > 0 ? { noPreferencePairs: NO_PREFERENCE_PAIRS } : {}),
  };
  const report: DataflowReport = {
    outDir,
    generatedAt: new Date().toISOString(),
    pairs: {
      extracted: await lines(paths.pairs),
      evolved: await lines(paths.evolved),
      imported: await lines(paths.imported),
      ...pairsByApp,
    },
    phase1: {
      train: await lines(join(paths.phase1, 'train.jsonl')),
      test: await lines(join(paths.phase1, 'test.jsonl')),
    },
    instantiation,
    execution,
    evaluation,
    alternatives,
    datasets,
    postprocess,
    seconds: run.seconds ?? {},
  };
  if (run.tasksPerMinute !== undefined) report.tasksPerMinute = run.tasksPerMinute;
  return report;
}

/** Why a folder has no preference pairs. */
export const NO_PREFERENCE_PAIRS =
  'a preference pair needs a passing and a failing trajectory that reached the same prompt with different actions: they come from failed alternative attempts (stage explore, alternativesPerTask ≥ 1) and the model’s own attempts (extraTrajectories), and there were none';

function reasons(map: Record<string, number>): string {
  const entries = Object.entries(map).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? 'none' : entries.map(([k, v]) => `${k} ${v}`).join(', ');
}

/** The report as Markdown (summary.md). */
export function reportMarkdown(r: DataflowReport): string {
  const rows = [
    `# Dataflow summary`,
    '',
    `Folder \`${r.outDir}\`, ${r.generatedAt}.`,
    '',
    '| stage | total | passed | failed | why tasks dropped out |',
    '|---|---|---|---|---|',
    `| task-plan pairs | ${r.pairs.extracted + r.pairs.evolved + r.pairs.imported} (${r.pairs.extracted} extracted, ${r.pairs.evolved} evolved, ${r.pairs.imported} imported; ${r.pairs.writer} Writer, ${r.pairs.calc} Calc) | | | |`,
    `| phase 1 samples | ${r.phase1.train + r.phase1.test} (${r.phase1.train} train, ${r.phase1.test} test) | | | |`,
    `| instantiation | ${r.instantiation.total} | ${r.instantiation.passed} | ${r.instantiation.failed} | ${reasons(r.instantiation.reasons)} |`,
    `| execution | ${r.execution.total} | ${r.execution.passed} | ${r.execution.failed} | ${reasons(r.execution.reasons)} |`,
    `| evaluation | ${r.evaluation.total} | ${r.evaluation.passed} | ${r.evaluation.failed} (+${r.evaluation.unsure} unsure) | ${reasons(r.evaluation.reasons)} |`,
    `| alternative attempts (negatives) | ${r.alternatives.total} | ${r.alternatives.passed} | ${r.alternatives.failed} (+${r.alternatives.unsure} unsure) | ${reasons(r.alternatives.reasons)} |`,
    '',
    `Templates of instantiated tasks: ${reasons(r.instantiation.byTemplate)}. Executed steps: ${r.execution.steps}. Verdicts by method: ${reasons(r.evaluation.byMethod)}.`,
    `Distinct abstract tasks among the passed ones (a task instantiated on several templates counts once): instantiation ${r.instantiation.passedTasks}, execution ${r.execution.passedTasks}, evaluation ${r.evaluation.passedTasks}.`,
    `Post-processing: phase 2 and 3 from ${r.postprocess.passing} passing trajectories, phase 4 rewards from ${r.postprocess.passing} passing and ${r.postprocess.failing} failing ones and ${r.alternatives.failed} failed alternative attempts; in no set: ${reasons(r.postprocess.reasons)}. Preference pairs: ${r.postprocess.preferencePairs}${r.postprocess.noPreferencePairs === undefined ? '' : ` (${r.postprocess.noPreferencePairs})`}.`,
    '',
    '| dataset | samples |',
    '|---|---|',
    ...Object.entries(r.datasets).map(([k, v]) => `| ${k} | ${v} |`),
  ];
  const secs = Object.entries(r.seconds);
  if (secs.length > 0) {
    rows.push(
      '',
      `Seconds per stage in this run: ${secs.map(([k, v]) => `${k} ${Math.round(v * 10) / 10}`).join(', ')}.`,
    );
  }
  if (r.tasksPerMinute !== undefined)
    rows.push(
      `Throughput: ${Math.round(r.tasksPerMinute * 10) / 10} executed tasks per minute of instantiation + execution + evaluation time.`,
    );
  return `${rows.join('\n')}\n`;
}
