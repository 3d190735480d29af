import { type PlanningEvalRecord, PlanningJudgement } from '@lam/schema';
import { rate } from './rate';

/** One Phase-1 planning task: the request, the model's plan and the reference plan. */
export interface PlanningTask {
  taskId: string;
  /** The user's request the plans are for. */
  task: string;
  predictedPlan: readonly string[];
  referencePlan: readonly string[];
}

/** What a step matcher says about one predicted plan against its reference. */
export interface PlanMatch {
  /** Whether the predicted plan solves the task (the paper's task-level success). */
  success: boolean;
  /** Action items found in the prediction and in the reference (the denominators of precision and recall). */
  predictedItems: number;
  referenceItems: number;
  /** How many items of the prediction have a counterpart of the same intent in the reference. */
  similarCount: number;
  /** The matched pairs, as `predicted / reference`, for reports. */
  pairs: string[];
  /** The full judgement, when an LLM judge produced it. */
  judgement?: PlanningJudgement;
  /** Which judge answer slot held the prediction, when an LLM judge produced it. */
  predictionIsAnswer?: '1' | '2';
}

/**
 * Compares a predicted plan with the reference. {@link lexicalStepMatcher} works offline;
 * `llmStepMatcher` asks a model with the paper's App. D prompt.
 */
export interface StepMatcher {
  readonly id: string;
  match(task: PlanningTask, context: { index: number; signal?: AbortSignal }): Promise<PlanMatch>;
}

/** Options of {@link planningMetrics}. */
export interface PlanningMetricsOptions {
  matcher: StepMatcher;
  /**
   * How step precision and recall are averaged (the paper does not say, PAPER.md §6.1):
   * `macro` (default) averages the per-task figures; `micro` divides the total similar items by the
   * total predicted (or reference) items.
   */
  averaging?: 'macro' | 'micro';
  /** Tasks judged at once (default 4; an LLM matcher may be rate limited). */
  concurrency?: number;
  signal?: AbortSignal;
  /** Called after each task is judged. */
  onTask?: (record: PlanningEvalRecord, done: number, total: number) => void;
}

/** Table 2 of the paper: task success rate, step precision and step recall. */
export interface PlanningMetrics {
  taskSuccessRate: number;
  stepPrecision: number;
  stepRecall: number;
  tasks: number;
  averaging: 'macro' | 'micro';
  /** One record per task, in input order, in @lam/schema's `PlanningEvalRecord` shape. */
  records: PlanningEvalRecord[];
}

/** Aggregates per-task planning records into Table 2's figures (see {@link PlanningMetricsOptions.averaging}). */
export function aggregatePlanning(
  records: readonly PlanningEvalRecord[],
  averaging: 'macro' | 'micro' = 'macro',
): Omit<PlanningMetrics, 'records'> {
  let precision = 0;
  let recall = 0;
  let similar = 0;
  let predicted = 0;
  let reference = 0;
  for (const r of records) {
    precision += r.precision;
    recall += r.recall;
    similar += r.judgement.similarCount;
    predicted += r.judgement.actionItems1.length;
    reference += r.judgement.actionItems2.length;
  }
  const n = records.length;
  return {
    taskSuccessRate: rate(records.filter((r) => r.success).length, n),
    stepPrecision: averaging === 'micro' ? rate(similar, predicted) : rate(precision, n),
    stepRecall: averaging === 'micro' ? rate(similar, reference) : rate(recall, n),
    tasks: n,
    averaging,
  };
}

function toRecord(task: PlanningTask, match: PlanMatch): PlanningEvalRecord {
  const similar = Math.min(match.similarCount, match.predictedItems, match.referenceItems);
  // The record keeps the prediction's items first and the reference's second, whatever the judge's order.
  const fromJudge = match.judgement;
  const predictedFirst = match.predictionIsAnswer !== '2';
  const judgement: PlanningJudgement =
    fromJudge === undefined
      ? {
          answer1Solves: match.success,
          answer2Solves: true,
          actionItems1: [...task.predictedPlan],
          actionItems2: [...task.referencePlan],
          similarItems: match.pairs,
          similarCount: similar,
          moreHelpful: '2',
          reason: 'lexical step matching (no judge)',
        }
      : PlanningJudgement.parse({
          ...fromJudge,
          answer1Solves: predictedFirst ? fromJudge.answer1Solves : fromJudge.answer2Solves,
          answer2Solves: predictedFirst ? fromJudge.answer2Solves : fromJudge.answer1Solves,
          actionItems1: predictedFirst ? fromJudge.actionItems1 : fromJudge.actionItems2,
          actionItems2: predictedFirst ? fromJudge.actionItems2 : fromJudge.actionItems1,
        });
  return {
    taskId: task.taskId,
    task: task.task,
    predictedPlan: [...task.predictedPlan],
    referencePlan: [...task.referencePlan],
    predictionIsAnswer: match.predictionIsAnswer ?? '1',
    judgement,
    success: match.success,
    precision: rate(similar, match.predictedItems),
    recall: rate(similar, match.referenceItems),
  };
}

/** Runs `work` over `items` with at most `concurrency` at once, keeping results in input order. */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!, i);
    }
  });
  await Promise.all(lanes);
  return results;
}

/**
 * The Phase-1 planning metrics of the paper's Table 2 (PAPER.md §6.1): task success rate, step
 * precision (similar items / predicted items) and step recall (similar items / reference items),
 * with a pluggable step matcher. Per-task figures are clamped so that the similar count never
 * exceeds either side's item count. Rates are fractions in [0, 1].
 */
export async function planningMetrics(
  tasks: readonly PlanningTask[],
  options: PlanningMetricsOptions,
): Promise<PlanningMetrics> {
  let done = 0;
  const records = await mapConcurrent(tasks, options.concurrency ?? 4, async (task, index) => {
    const context = options.signal === undefined ? { index } : { index, signal: options.signal };
    const record = toRecord(task, await options.matcher.match(task, context));
    options.onTask?.(record, ++done, tasks.length);
    return record;
  });
  return { ...aggregatePlanning(records, options.averaging ?? 'macro'), records };
}

const STOP_WORDS = new Set(
  'a an the to of in on at for and or then into onto from by with your you it its this that is are be as go'.split(
    ' ',
  ),
);

/** Lower-cased word stems of a plan step, without numbering, punctuation and stop words. */
export function stepTokens(step: string): string[] {
  return step
    .toLowerCase()
    .replace(/^\s*(step\s*)?\d+[.):]\s*/, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0 && !STOP_WORDS.has(w))
    .map((w) => (w.length > 4 && w.endsWith('s') ? w.slice(0, -1) : w));
}

function dice(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 || b.length === 0) return 0;
  const rest = [...b];
  let common = 0;
  for (const w of a) {
    const at = rest.indexOf(w);
    if (at !== -1) {
      common++;
      rest.splice(at, 1);
    }
  }
  return (2 * common) / (a.length + b.length);
}

/** Options of {@link lexicalStepMatcher}. */
export interface LexicalStepMatcherOptions {
  /** Two steps have the same intent when the Dice overlap of their words is at least this (default 0.5). */
  threshold?: number;
  /**
   * A task succeeds when this share of the reference steps is matched (default 1: every reference
   * step). The paper's judge decides task success itself; this is the offline stand-in.
   */
  successRecall?: number;
}

/**
 * An offline step matcher: each plan step is one action item; steps are paired one to one,
 * most similar pair first, when the Dice coefficient of their word multisets (lower case, numbering,
 * punctuation and stop words removed, plural `s` dropped) reaches `threshold`.
 */
export function lexicalStepMatcher(options: LexicalStepMatcherOptions = {}): StepMatcher {
  const threshold = options.threshold ?? 0.5;
  const successRecall = options.successRecall ?? 1;
  return {
    id: `lexical(threshold=${threshold})`,
    async match(task) {
      const predicted = task.predictedPlan.map(stepTokens);
      const reference = task.referencePlan.map(stepTokens);
      const candidates: { p: number; r: number; score: number }[] = [];
      predicted.forEach((p, i) => {
        reference.forEach((r, j) => {
          const score = dice(p, r);
          if (score >= threshold) candidates.push({ p: i, r: j, score });
        });
      });
      candidates.sort((x, y) => y.score - x.score || x.p - y.p || x.r - y.r);
      const usedP = new Set<number>();
      const usedR = new Set<number>();
      const pairs: string[] = [];
      for (const c of candidates) {
        if (usedP.has(c.p) || usedR.has(c.r)) continue;
        usedP.add(c.p);
        usedR.add(c.r);
        pairs.push(`${task.predictedPlan[c.p]} / ${task.referencePlan[c.r]}`);
      }
      const referenceItems = task.referencePlan.length;
      return {
        success: referenceItems > 0 && pairs.length / referenceItems >= successRecall,
        predictedItems: task.predictedPlan.length,
        referenceItems,
        similarCount: pairs.length,
        pairs,
      };
    },
  };
}
