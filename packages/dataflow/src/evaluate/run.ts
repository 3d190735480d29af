import { existsSync, readFileSync } from 'node:fs';
import { createLlmJudge } from '@lam/eval';
import type { LanguageModel } from '@lam/runtime';
import {
  DataflowRecord,
  executionOutcome,
  type InstantiatedStep,
  type JsonValue,
  openJsonlWriter,
  readJsonl,
} from '@lam/schema';
import { recordedIds } from '../instantiate/run';
import { loadDesktop } from '../live/workbench';
import { readTrajectoryLog } from '../util/trajectories';
import { type DerivedCheckResult, deriveChecks, runChecks } from './checks';

/** Progress of an evaluation run, after each task. */
export interface EvaluationProgress {
  done: number;
  total: number;
  taskId: string;
  passed: number;
}

/** Options of {@link runEvaluation}. */
export interface RunEvaluationOptions {
  /** JSONL files of execution records (from `runExecution`). */
  inputs: readonly string[];
  /** The trajectory log the executions wrote (for option checks and the judge). */
  trajectories: string;
  /** The JSONL file of evaluated records to append to (UFO's execution record with its result). */
  out: string;
  /** A model for the LLM judge (`@lam/eval`'s `createLlmJudge`): used where no deterministic check exists. */
  judgeModel?: LanguageModel;
  /** Also ask the judge where deterministic checks exist (its verdict is recorded, the checks decide). Default false. */
  judgeAlways?: boolean;
  onProgress?: ((p: EvaluationProgress) => void) | null;
  fsync?: boolean;
}

/** What an evaluation run did. */
export interface EvaluationSummary {
  out: string;
  tasks: number;
  skipped: number;
  evaluated: number;
  /** Verdicts of this run: only `yes` counts as a success (PAPER.md §6.4). */
  yes: number;
  no: number;
  unsure: number;
  /** How the verdicts were reached. */
  byMethod: { checks: number; judge: number; none: number; executionFailed: number };
  /** Why tasks did not pass: failed execution, the failed check, or no check and no judge. */
  reasons: Record<string, number>;
  seconds: number;
  /** Over the whole output file after this run. */
  total: number;
  totalYes: number;
}

const round = (s: number) => Math.round(s * 1000) / 1000;

/**
 * Stage 5 of the pipeline, evaluation (paper §3.2.3): for each executed task, a deterministic check
 * where the plan gives one (see `deriveChecks`: the saved document against the template, read with
 * `@lam/grounding/desktop`'s reader and `@lam/eval`'s checkers), the LLM judge of `@lam/eval` where a
 * model is configured, and `unsure` otherwise. A task whose execution failed is `no`. Writes UFO's
 * `{reason, sub_scores, complete}` into each record and appends it to `out`; resumable.
 */
export async function runEvaluation(options: RunEvaluationOptions): Promise<EvaluationSummary> {
  const started = performance.now();
  const records: DataflowRecord[] = [];
  for (const input of options.inputs) {
    if (!existsSync(input)) continue;
    for await (const r of readJsonl(input, { schema: DataflowRecord, record: 'DataflowRecord' })) {
      if (r.execution !== null) records.push(r);
    }
  }
  const trajectories = await readTrajectoryLog(options.trajectories);
  const done = await recordedIds(options.out);
  const summary: EvaluationSummary = {
    out: options.out,
    tasks: records.length,
    skipped: 0,
    evaluated: 0,
    yes: 0,
    no: 0,
    unsure: 0,
    byMethod: { checks: 0, judge: 0, none: 0, executionFailed: 0 },
    reasons: {},
    seconds: 0,
    total: done.size,
    totalYes: [...done.values()].filter((r) => executionOutcome(r) === 'pass').length,
  };
  const judge =
    options.judgeModel === undefined
      ? undefined
      : createLlmJudge({ model: options.judgeModel, images: 'omit', app: 'writer' });
  const report =
    options.onProgress === undefined
      ? (p: EvaluationProgress) => {
          if (p.done % 10 === 0 || p.done === p.total)
            process.stderr.write(`evaluate: ${p.done}/${p.total} tasks, ${p.passed} passed\n`);
        }
      : options.onProgress;
  const { readTextDocument, parseFlatText } = await loadDesktop();
  const out = openJsonlWriter(options.out, {
    schema: DataflowRecord,
    record: 'DataflowRecord',
    fsync: options.fsync ?? true,
    tornTail: 'newline',
  });
  const reason = (key: string) => {
    summary.reasons[key] = (summary.reasons[key] ?? 0) + 1;
  };
  try {
    for (const [i, record] of records.entries()) {
      if (done.has(record.uniqueId)) {
        summary.skipped++;
        continue;
      }
      const taskStarted = performance.now();
      const execution = record.execution as NonNullable<DataflowRecord['execution']>;
      const trajectoryId = String(execution.extra?.trajectoryId ?? '');
      const trajectory = trajectories.get(trajectoryId);
      // An alternative attempt is judged by the checks of its task's own plan (see runExploration).
      const checkPlan = record.extra?.checkPlan;
      const plan = Array.isArray(checkPlan)
        ? (checkPlan as unknown as InstantiatedStep[])
        : (record.instantiation.prefill?.result?.plan ?? []);
      let complete: 'yes' | 'no' | 'unsure';
      let text: string;
      const subScores: Record<string, string> = {};
      const extra: Record<string, JsonValue> = {};
      if (execution.error !== null) {
        complete = 'no';
        text = `The execution failed: ${execution.error.message}`;
        subScores.execution = 'no';
        summary.byMethod.executionFailed++;
        reason('execution failed');
      } else {
        subScores.execution = 'yes';
        const documentPath = String(execution.extra?.document ?? '');
        const templatePath = record.instantiation.chooseTemplate?.result ?? '';
        let results: DerivedCheckResult[] = [];
        let checkError: string | undefined;
        let checks: ReturnType<typeof deriveChecks> = [];
        try {
          const templateXml = readFileSync(templatePath, 'utf8');
          const template = parseFlatText(templateXml, templatePath);
          checks = deriveChecks(plan, template);
          if (checks.length > 0) {
            const documentXml = documentPath.endsWith('.fodt') ? readFileSync(documentPath, 'utf8') : '';
            const document =
              documentXml !== ''
                ? parseFlatText(documentXml, documentPath)
                : await readTextDocument(documentPath);
            results = await runChecks(checks, {
              document,
              documentXml,
              template,
              templateXml,
              steps: trajectory?.steps ?? [],
            });
          }
        } catch (error) {
          checkError = error instanceof Error ? error.message : String(error);
        }
        for (const r of results) subScores[r.id] = r.pass ? 'yes' : 'no';
        extra.checks = results.map((r) => ({ id: r.id, pass: r.pass, reason: r.reason }));
        let judged: Awaited<ReturnType<NonNullable<typeof judge>['evaluate']>> | undefined;
        if (
          judge !== undefined &&
          (results.length === 0 || options.judgeAlways) &&
          trajectory !== undefined
        ) {
          judged = await judge.evaluate({ request: trajectory.request, steps: trajectory.steps });
          subScores['llm-judge'] = judged.verdict;
          extra.judge = {
            id: judged.judge,
            verdict: judged.verdict,
            reason: judged.evaluation?.reason ?? judged.error ?? '',
          };
        }
        if (checkError !== undefined) {
          complete = 'unsure';
          text = `The saved document could not be checked: ${checkError}`;
          summary.byMethod.none++;
          reason('document unreadable');
        } else if (results.length > 0) {
          const failed = results.filter((r) => !r.pass);
          complete = failed.length === 0 ? 'yes' : 'no';
          text = results.map((r) => `${r.pass ? 'PASS' : 'FAIL'} ${r.id}: ${r.reason}`).join('; ');
          summary.byMethod.checks++;
          for (const f of failed) reason(`check failed: ${f.id.replace(/\(.*$/, '')}`);
        } else if (judged !== undefined) {
          complete = judged.verdict;
          text = `LLM judge (${judged.judge}): ${judged.evaluation?.reason ?? judged.error ?? ''}`;
          summary.byMethod.judge++;
          if (complete !== 'yes') reason(`judge: ${complete}`);
        } else {
          complete = 'unsure';
          text =
            'Every step ran, but the plan has no effect a deterministic check knows and no judge model is configured.';
          summary.byMethod.none++;
          reason('no check and no judge');
        }
      }
      summary.evaluated++;
      summary[complete]++;
      if (complete === 'yes') summary.totalYes++;
      out.append({
        ...record,
        execution: { ...execution, result: { reason: text, subScores, complete, extra } },
        timeCost: {
          ...record.timeCost,
          executeEval: round((performance.now() - taskStarted) / 1000),
          total: round(
            (record.timeCost.total ?? 0) +
              (record.timeCost.execute ?? 0) +
              (performance.now() - taskStarted) / 1000,
          ),
        },
      });
      summary.total++;
      report?.({ done: i + 1, total: records.length, taskId: record.uniqueId, passed: summary.yes });
    }
  } finally {
    out.close();
  }
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}
