export { createHfModel, HfLanguageModel, type HfModelOptions } from './hf-model';
export { parseRetryAfter, retryDelayMs } from './retry';
