export { decideOutcome, type EvidencePolicy, type Outcome } from './evidence';
export {
  createLlmJudge,
  type ExecutionJudge,
  type JudgeInput,
  type JudgeVerdict,
  type LlmJudgeOptions,
} from './execution-judge';
export { type ImageMode, toModelMessages } from './messages';
export { type LlmStepMatcherOptions, llmStepMatcher } from './planning-judge';
