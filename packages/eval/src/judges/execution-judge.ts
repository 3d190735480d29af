import { type CaptionedScreenshot, executionEvaluationTemplate } from '@lam/prompts';
import type { LanguageModel } from '@lam/runtime';
import {
  type ExecutionEvaluation,
  LamError,
  type Step,
  type TokenUsage,
  toVerdict,
  type Verdict,
} from '@lam/schema';
import { type ImageMode, toModelMessages } from './messages';

/** What the judge is shown: the request, the steps, and screenshots with captions. */
export interface JudgeInput {
  request: string;
  steps: readonly Step[];
  screenshots?: readonly CaptionedScreenshot[];
}

/** The judge's verdict on one trajectory. Only `yes` is a success; `unsure` is not. */
export interface JudgeVerdict {
  verdict: Verdict;
  /** The parsed `{reason, subScores, complete}`; absent when every answer was unparsable. */
  evaluation?: ExecutionEvaluation;
  /** The model's last answer, as text. */
  rawOutput: string;
  /** Why the verdict is `unsure` without an evaluation (the parse error). */
  error?: string;
  usage: TokenUsage;
  /** The judge's id, e.g. `llm-judge:gpt-4o`. */
  judge: string;
  durationMs: number;
}

/** Judges whether a trajectory completed its request. */
export interface ExecutionJudge {
  readonly id: string;
  evaluate(input: JudgeInput, options?: { signal?: AbortSignal }): Promise<JudgeVerdict>;
}

/** Options of {@link createLlmJudge}. */
export interface LlmJudgeOptions {
  model: LanguageModel;
  /** Answers asked for when the previous one does not parse (default 2 in all). */
  attempts?: number;
  /** Most tokens per answer (default 800). */
  maxTokens?: number;
  /** Default 0, as the paper's baselines ran. */
  temperature?: number;
  /** Screenshots as data URLs (`inline`, default) or left out (`omit`, for text-only models). */
  images?: ImageMode;
  /** Render options of the prompt (the function list shown to the judge). */
  app?: string;
}

/**
 * An LLM judge with UFO's evaluation prompt (`executionEvaluationTemplate` of @lam/prompts): the
 * model scores criteria it chooses from the request and answers `complete: yes | no | unsure`.
 * An answer that does not parse is asked again up to `attempts`; if none parses the verdict is
 * `unsure` with the error. Model errors (network, missing model) are thrown.
 */
export function createLlmJudge(options: LlmJudgeOptions): ExecutionJudge {
  const attempts = Math.max(1, options.attempts ?? 2);
  const id = `llm-judge:${options.model.model}`;
  return {
    id,
    async evaluate(input, callOptions = {}) {
      const started = performance.now();
      const rendered = executionEvaluationTemplate.render(
        { request: input.request, steps: [...input.steps], screenshots: [...(input.screenshots ?? [])] },
        options.app === undefined ? {} : { app: options.app },
      );
      const messages = toModelMessages(rendered, options.images ?? 'inline');
      const usage: TokenUsage = { inputTokens: 0, outputTokens: 0 };
      let rawOutput = '';
      let error = '';
      for (let attempt = 0; attempt < attempts; attempt++) {
        const result = await options.model.generate({
          messages,
          maxTokens: options.maxTokens ?? 800,
          temperature: options.temperature ?? 0,
          ...(callOptions.signal === undefined ? {} : { abortSignal: callOptions.signal }),
        });
        usage.inputTokens += result.usage.inputTokens;
        usage.outputTokens += result.usage.outputTokens;
        rawOutput = result.text;
        try {
          const evaluation = executionEvaluationTemplate.parse(result.text);
          const verdict = toVerdict(evaluation.complete);
          return {
            verdict,
            evaluation,
            rawOutput,
            usage,
            judge: id,
            durationMs: performance.now() - started,
          };
        } catch (e) {
          if (!LamError.isInstance(e)) throw e;
          error = e.message;
        }
      }
      return {
        verdict: 'unsure',
        rawOutput,
        error: `no parsable answer in ${attempts} attempts: ${error}`,
        usage,
        judge: id,
        durationMs: performance.now() - started,
      };
    },
  };
}
