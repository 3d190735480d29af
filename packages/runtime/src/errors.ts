import { LamError } from '@lam/schema';

/**
 * The base of every error a model engine throws. Catch this to handle any model failure;
 * catch a subclass (or compare `name`) to handle one cause.
 */
export class LAM_ModelError extends LamError {
  constructor(name: string, message: string, options?: { cause?: unknown }) {
    super(name, message, options);
  }

  /** True for any model error from any copy of this package. */
  static isModelError(error: unknown): error is LAM_ModelError {
    return LamError.isInstance(error) && error.name.startsWith('LAM_') && 'modelError' in error;
  }

  /** Marker read by {@link LAM_ModelError.isModelError}. */
  readonly modelError = true;
}

/** A file of a model folder is missing or unreadable. */
export class LAM_ModelFileError extends LAM_ModelError {
  constructor(
    readonly file: string,
    readonly problem: 'missing' | 'invalid',
    readonly detail: string,
    readonly fix: string,
    options?: { cause?: unknown },
  ) {
    super(
      'LAM_ModelFileError',
      `Model file ${file} is ${problem === 'missing' ? 'missing' : 'not valid'}: ${detail}. ${fix}`,
      options,
    );
  }
}

/** The options of a call (or of a model) are not valid. */
export class LAM_InvalidOptionsError extends LAM_ModelError {
  constructor(
    readonly issues: string[],
    readonly fix: string,
  ) {
    super('LAM_InvalidOptionsError', `Invalid options: ${issues.join('; ')}. ${fix}`);
  }
}

/** A model spec string given to `createModel` is not understood. */
export class LAM_ModelSpecError extends LAM_ModelError {
  constructor(readonly spec: string) {
    super(
      'LAM_ModelSpecError',
      `Unknown model spec "${spec}". Use one of: "onnx:<model folder>", "hf:<model id>", "openai:<base url>#<model>", "scripted:<file.jsonl|file.json>".`,
    );
  }
}

/** A JSON Schema given as a constraint uses something the constraint compiler does not support. */
export class LAM_ConstraintError extends LAM_ModelError {
  constructor(
    readonly path: string,
    readonly detail: string,
  ) {
    super(
      'LAM_ConstraintError',
      `Unsupported constraint schema at ${path || '(root)'}: ${detail}. Supported: object with properties (emitted in order), free-form object, array with items, string (enum, const, minLength, maxLength), number, integer, boolean, null.`,
    );
  }
}

/** The input cannot be handled by this engine (for example an image given to a text-only model). */
export class LAM_UnsupportedInputError extends LAM_ModelError {
  constructor(
    readonly engine: string,
    readonly detail: string,
    readonly fix: string,
  ) {
    super('LAM_UnsupportedInputError', `The ${engine} engine cannot take this input: ${detail}. ${fix}`);
  }
}

/** Generation was cancelled through its AbortSignal. */
export class LAM_AbortError extends LAM_ModelError {
  constructor(options?: { cause?: unknown }) {
    super('LAM_AbortError', 'Generation was aborted by its AbortSignal.', options);
  }
}

/** The context window of a local model is full. */
export class LAM_ContextLengthError extends LAM_ModelError {
  constructor(
    readonly inputTokens: number,
    readonly maxPositions: number,
  ) {
    super(
      'LAM_ContextLengthError',
      `The prompt has ${inputTokens} tokens but the model takes at most ${maxPositions} positions (max_position_embeddings). Shorten the messages (fewer controls or history steps).`,
    );
  }
}

/** Which part of a remote call was at fault, as far as the response tells. */
export type RemoteFault = 'url' | 'model' | 'token' | 'server' | 'request' | 'timeout';

/** A remote model call failed; `fault` says which of URL, model, token, server or request was wrong. */
export class LAM_RemoteModelError extends LAM_ModelError {
  constructor(
    readonly fault: RemoteFault,
    readonly detail: string,
    readonly fix: string,
    readonly info: { url?: string; model?: string; status?: number; attempts?: number },
    options?: { cause?: unknown },
  ) {
    super('LAM_RemoteModelError', `Remote model call failed (${fault}): ${detail}. ${fix}`, options);
  }
}

/** A scripted model has no recorded output left. */
export class LAM_ScriptExhaustedError extends LAM_ModelError {
  constructor(
    readonly source: string,
    readonly recorded: number,
  ) {
    super(
      'LAM_ScriptExhaustedError',
      `The scripted model ${source} has replayed all ${recorded} recorded outputs and was called again. Record one more output, or check that the run makes no extra model call.`,
    );
  }
}
