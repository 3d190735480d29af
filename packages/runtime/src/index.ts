export {
  type CompileConstraintOptions,
  type CompiledConstraint,
  ConstrainedDecoder,
  compileConstraint,
  constraintSchema,
  type DecisionConstraintOptions,
  DecisionConstraintOptionsSchema,
  decisionConstraint,
  matchesConstraint,
  TokenIndex,
} from './constraint';
export { type CreateModelOptions, createModel, type ModelSpec, parseModelSpec } from './create-model';
export {
  LAM_AbortError,
  LAM_ConstraintError,
  LAM_ContextLengthError,
  LAM_InvalidOptionsError,
  LAM_ModelError,
  LAM_ModelFileError,
  LAM_ModelSpecError,
  LAM_RemoteModelError,
  LAM_ScriptExhaustedError,
  LAM_UnsupportedInputError,
  type RemoteFault,
} from './errors';
export { parseGenerateOptions } from './options';
export { toGenerationStream } from './stream';
export {
  type ChatMessage,
  ChatMessageSchema,
  type FinishReason,
  FinishReasonSchema,
  type GenerateOptions,
  GenerateOptionsSchema,
  type GenerateResult,
  GenerateResultSchema,
  type GenerationStream,
  type ImagePart,
  ImagePartSchema,
  type JsonSchema,
  JsonSchemaSchema,
  type LanguageModel,
  type TextPart,
  TextPartSchema,
} from './types';
