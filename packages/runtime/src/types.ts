import { z } from 'zod';

/** A text part of a chat message. */
export const TextPartSchema = z.object({ type: z.literal('text'), text: z.string() });

/** An image part of a chat message: an `https:`/`data:` URL (remote engines only; local text models reject it). */
export const ImagePartSchema = z.object({
  type: z.literal('image'),
  /** A URL or a `data:image/png;base64,...` URL. */
  image: z.string().min(1),
});

/** One chat message. `content` is plain text or a list of text and image parts. */
export const ChatMessageSchema = z.object({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.union([z.string(), z.array(z.union([TextPartSchema, ImagePartSchema]))]),
});
export type ChatMessage = z.infer<typeof ChatMessageSchema>;
export type TextPart = z.infer<typeof TextPartSchema>;
export type ImagePart = z.infer<typeof ImagePartSchema>;

/** A JSON Schema object (the supported subset is listed in the README). */
export const JsonSchemaSchema = z.record(z.string(), z.unknown());
export type JsonSchema = z.infer<typeof JsonSchemaSchema>;

/** The options of one generation call. */
export const GenerateOptionsSchema = z.object({
  /** The conversation; the model continues it as the assistant. */
  messages: z.array(ChatMessageSchema).min(1),
  /** The most tokens to generate (default 256). */
  maxTokens: z.number().int().positive().optional(),
  /** 0 (the default) decodes greedily; above 0 samples with this temperature. */
  temperature: z.number().min(0).optional(),
  /** Sample only among the k most likely tokens (0 or absent: no limit). */
  topK: z.number().int().min(0).optional(),
  /** Sample only from the smallest set of tokens whose probability adds up to p (nucleus sampling). */
  topP: z.number().gt(0).max(1).optional(),
  /** Above 1 makes already generated or prompt tokens less likely (the CTRL-paper penalty). */
  repetitionPenalty: z.number().positive().optional(),
  /** Stop as soon as the text contains one of these strings; it is not part of the returned text. */
  stop: z.array(z.string().min(1)).optional(),
  /** Seed of the sampler, for repeatable sampling. */
  seed: z.number().int().optional(),
  /** A JSON Schema the output must follow (see the README for the supported subset). */
  constraint: JsonSchemaSchema.optional(),
  /** Cancels the call; it then rejects with `LAM_AbortError`. */
  abortSignal: z.custom<AbortSignal>((v) => v instanceof AbortSignal, 'must be an AbortSignal').optional(),
});
export type GenerateOptions = z.infer<typeof GenerateOptionsSchema>;

/** Why generation ended: `stop` (end token, stop string or completed constraint) or `length` (token limit). */
export const FinishReasonSchema = z.enum(['stop', 'length']);
export type FinishReason = z.infer<typeof FinishReasonSchema>;

/** The result of one generation call. */
export const GenerateResultSchema = z.object({
  /** The generated text (without the stop string). */
  text: z.string(),
  finishReason: FinishReasonSchema,
  usage: z.object({
    inputTokens: z.number().int(),
    outputTokens: z.number().int(),
    /** Local engines: prompt tokens whose keys and values came from an earlier generation's cache. */
    cachedInputTokens: z.number().int().optional(),
  }),
  timings: z.object({
    /** From the call to the first generated token (includes prompt processing). */
    timeToFirstTokenMs: z.number(),
    /** From the call to the end. */
    totalMs: z.number(),
    /** Generated tokens per second after the first token (decode speed); 0 when one token or less. */
    tokensPerSecond: z.number(),
    /** Local engines: forward passes of the model (one per token unless drafts were checked). */
    forwardPasses: z.number().int().optional(),
    /** Local engines, greedy decoding: tokens drafted, and how many of them were kept. */
    draftTokens: z.number().int().optional(),
    draftTokensKept: z.number().int().optional(),
    /** Local engines with a constraint: time spent checking tokens and computing masks. */
    constraintMs: z.number().optional(),
    /** Local engines with a constraint: how many steps needed a full token mask (the slow path). */
    constraintMasks: z.number().int().optional(),
  }),
  /** Which engine and model produced it. */
  engine: z.string(),
  model: z.string(),
  /** Where a constraint was given: whether the text follows it. */
  constraintSatisfied: z.boolean().optional(),
  /** Local engines: the execution provider used (`cpu` or `cuda`). */
  device: z.string().optional(),
  /** Local engines: the peak resident memory of the process so far, in MiB. */
  peakRssMiB: z.number().optional(),
  /** Local engines: the generated token ids. */
  outputTokenIds: z.array(z.number().int()).optional(),
});
export type GenerateResult = z.infer<typeof GenerateResultSchema>;

/**
 * A streamed generation: iterate it for text deltas; `result` resolves to the full result
 * once the stream ends (and rejects with the same error as the iteration).
 */
export interface GenerationStream extends AsyncIterable<string> {
  readonly result: Promise<GenerateResult>;
}

/** The interface every engine implements. */
export interface LanguageModel {
  /** The engine name: `onnx`, `hf`, `scripted`. */
  readonly engine: string;
  /** The model: a folder, a model id or a file. */
  readonly model: string;
  /** Generates a reply to `options.messages`. */
  generate(options: GenerateOptions): Promise<GenerateResult>;
  /** Generates a reply as a stream of text deltas. */
  stream(options: GenerateOptions): GenerationStream;
  /** Frees native resources (ONNX sessions). The model must not be used afterwards. */
  dispose(): Promise<void>;
}
