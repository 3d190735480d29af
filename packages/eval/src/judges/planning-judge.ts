import { planningJudgeTemplate } from '@lam/prompts';
import type { LanguageModel } from '@lam/runtime';
import { LamError, type PlanningJudgement } from '@lam/schema';
import type { PlanMatch, StepMatcher } from '../metrics/planning-metrics';
import { toModelMessages } from './messages';

/** Options of {@link llmStepMatcher}. */
export interface LlmStepMatcherOptions {
  model: LanguageModel;
  /**
   * Which answer slot holds the prediction (the paper does not say, PAPER.md §4.7):
   * `prediction-first` (default), `reference-first`, or `alternate` (by task index, to even out a
   * judge's preference for one slot).
   */
  order?: 'prediction-first' | 'reference-first' | 'alternate';
  /** Answers asked for when the previous one does not parse (default 2 in all). */
  attempts?: number;
  /** Most tokens per answer (default 1,000). */
  maxTokens?: number;
  temperature?: number;
}

/**
 * A step matcher that asks a model with the paper's planning-judge prompt (App. D, through
 * `planningJudgeTemplate` of @lam/prompts). Task success is the judge's "can this answer solve
 * the question" for the prediction's slot; the item counts and similar count give precision and
 * recall. When no answer parses it throws the last parse error.
 */
export function llmStepMatcher(options: LlmStepMatcherOptions): StepMatcher {
  const attempts = Math.max(1, options.attempts ?? 2);
  return {
    id: `llm-judge:${options.model.model}`,
    async match(task, context) {
      const order = options.order ?? 'prediction-first';
      const predictionFirst =
        order === 'prediction-first' || (order === 'alternate' && context.index % 2 === 0);
      const predicted = task.predictedPlan.length === 0 ? '(no plan)' : [...task.predictedPlan];
      const reference = [...task.referencePlan];
      const messages = toModelMessages(
        planningJudgeTemplate.render({
          question: task.task,
          answer1: predictionFirst ? predicted : reference,
          answer2: predictionFirst ? reference : predicted,
        }),
        'omit',
      );
      let lastError: unknown;
      for (let attempt = 0; attempt < attempts; attempt++) {
        const result = await options.model.generate({
          messages,
          maxTokens: options.maxTokens ?? 1000,
          temperature: options.temperature ?? 0,
          ...(context.signal === undefined ? {} : { abortSignal: context.signal }),
        });
        let judgement: PlanningJudgement;
        try {
          judgement = planningJudgeTemplate.parse(result.text);
        } catch (e) {
          if (!LamError.isInstance(e)) throw e;
          lastError = e;
          continue;
        }
        const predictedItems = predictionFirst ? judgement.actionItems1 : judgement.actionItems2;
        const referenceItems = predictionFirst ? judgement.actionItems2 : judgement.actionItems1;
        const match: PlanMatch = {
          success: predictionFirst ? judgement.answer1Solves : judgement.answer2Solves,
          predictedItems: predictedItems.length,
          referenceItems: referenceItems.length,
          similarCount: Math.max(judgement.similarCount, 0),
          pairs: judgement.similarItems,
          judgement,
          predictionIsAnswer: predictionFirst ? '1' : '2',
        };
        return match;
      }
      throw lastError;
    },
  };
}
