import * as ort from 'onnxruntime-node';
import {
  type CompiledConstraint,
  ConstrainedDecoder,
  compileConstraint,
  matchesConstraint,
} from '../constraint/constraint';
import { TokenIndex } from '../constraint/token-index';
import { DraftLookup } from '../draft';
import {
  LAM_AbortError,
  LAM_ContextLengthError,
  LAM_InvalidOptionsError,
  LAM_ModelFileError,
  LAM_UnsupportedInputError,
} from '../errors';
import { contentText, parseGenerateOptions } from '../options';
import { applyRepetitionPenalty, argmax, sample, seededRandom, topIndices } from '../sampling';
import { StopMatcher } from '../stop';
import { toGenerationStream } from '../stream';
import type { GenerateOptions, GenerateResult, GenerationStream, LanguageModel } from '../types';
import { type ModelFolder, readModelFolder } from './model-folder';
import { cutPositions, PrefixCache } from './prefix-cache';
import { bufferOf, releaseBuffers } from './release-buffers';

/** Options of {@link loadOnnxModel}. */
export interface OnnxModelOptions {
  /** `cpu` (default) or `cuda`; when CUDA cannot be used the model falls back to CPU with a warning. */
  device?: 'cpu' | 'cuda';
  /** The CUDA device index (default 0). */
  deviceId?: number;
  /** The ONNX file relative to the folder (default: `onnx/model.onnx`, then `model.onnx`). */
  modelFile?: string;
  /** Threads for one operator (onnxruntime's intra-op threads; default: its own choice). */
  threads?: number;
  /**
   * Let onnxruntime's threads spin while they wait for work (default false). Spinning threads keep a
   * core busy between decode steps; the application the agent drives runs on the same machine, and on
   * a small one it then decodes slower, not faster (decision 0304).
   */
  spinning?: boolean;
  /** Receives warnings such as the CUDA fallback (default: `process.emitWarning`). */
  onWarning?: (message: string) => void;
  /** The most whitespace characters in a row that constrained output may hold (default 12). */
  maxWhitespace?: number;
  /**
   * Greedy decoding checks up to this many drafted tokens in one forward pass (default 16; 0: one token
   * per pass). Drafts come from text the model saw or wrote before and from what the constraint forces;
   * only tokens greedy decoding would have chosen are kept, so the output does not change (decision 0305).
   */
  draftTokens?: number;
  /**
   * How many generations' key-value caches are kept so that a prompt beginning as an earlier one did is
   * processed only from where it differs (default 4; 0: none). Each costs about
   * layers × 2 × kvHeads × headDim × 4 bytes per token (some MB for a small model).
   */
  prefixCache?: number;
}

/**
 * Loads a model folder in the standard export layout and returns a {@link LanguageModel} that runs it
 * with onnxruntime-node. Throws `LAM_ModelFileError` naming the missing or bad file.
 */
export async function loadOnnxModel(dir: string, options: OnnxModelOptions = {}): Promise<OnnxLanguageModel> {
  const device = options.device ?? 'cpu';
  if (device !== 'cpu' && device !== 'cuda') {
    throw new LAM_InvalidOptionsError([`device: ${JSON.stringify(device)}`], 'Use device "cpu" or "cuda".');
  }
  const folder = await readModelFolder(dir, options.modelFile);
  const warn =
    options.onWarning ?? ((message: string) => process.emitWarning(message, { code: 'LAM_CUDA_FALLBACK' }));
  const spin = options.spinning === true ? '1' : '0';
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    ...(options.threads ? { intraOpNumThreads: options.threads } : {}),
    extra: { session: { intra_op: { allow_spinning: spin }, inter_op: { allow_spinning: spin } } },
  };
  let session: ort.InferenceSession | undefined;
  let used: 'cpu' | 'cuda' = 'cpu';
  if (device === 'cuda') {
    try {
      session = await ort.InferenceSession.create(folder.modelPath, {
        ...sessionOptions,
        // The failure is reported as a warning below; keep onnxruntime's own error log quiet.
        logSeverityLevel: 4,
        executionProviders: [{ name: 'cuda', deviceId: options.deviceId ?? 0 }],
      });
      used = 'cuda';
    } catch (error) {
      warn(
        `The CUDA execution provider is not available (${firstLine(error)}); running ${folder.modelFile} on the CPU. Install onnxruntime-node with its CUDA 12 libraries (run its install script with network access) and a CUDA 12 driver to use the GPU.`,
      );
    }
  }
  if (!session) {
    try {
      session = await ort.InferenceSession.create(folder.modelPath, {
        ...sessionOptions,
        executionProviders: ['cpu'],
      });
    } catch (cause) {
      throw new LAM_ModelFileError(
        folder.modelPath,
        'invalid',
        `onnxruntime cannot load it (${firstLine(cause)})`,
        'The file is damaged, truncated or not an ONNX model: export or copy it again (with its .onnx_data file if it has one).',
        { cause },
      );
    }
  }
  checkSession(session, folder);
  for (const key of ['draftTokens', 'prefixCache'] as const) {
    const value = options[key];
    if (value !== undefined && !(Number.isInteger(value) && value >= 0))
      throw new LAM_InvalidOptionsError(
        [`${key}: ${JSON.stringify(value)}`],
        `Give ${key} as a whole number ≥ 0.`,
      );
  }
  return new OnnxLanguageModel(folder, session, used, {
    maxWhitespace: options.maxWhitespace ?? 12,
    draftTokens: options.draftTokens ?? 16,
    prefixCache: options.prefixCache ?? 4,
  });
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error)
    .split('\n')[0]!
    .trim();
}

function checkSession(session: ort.InferenceSession, folder: ModelFolder): void {
  const missing: string[] = [];
  if (!session.inputNames.includes('input_ids')) missing.push('input input_ids');
  if (!session.outputNames.includes('logits')) missing.push('output logits');
  for (let l = 0; l < folder.config.layers; l++) {
    for (const kv of ['key', 'value']) {
      if (!session.inputNames.includes(`past_key_values.${l}.${kv}`))
        missing.push(`input past_key_values.${l}.${kv}`);
      if (!session.outputNames.includes(`present.${l}.${kv}`)) missing.push(`output present.${l}.${kv}`);
    }
  }
  if (missing.length > 0) {
    throw new LAM_ModelFileError(
      folder.modelPath,
      'invalid',
      `it lacks ${missing.slice(0, 4).join(', ')}${missing.length > 4 ? ` and ${missing.length - 4} more` : ''} (config.json says ${folder.config.layers} layers)`,
      'Export the decoder "with past" (text-generation-with-past), whose inputs are past_key_values.N.key/value, and keep config.json from the same export.',
    );
  }
  const past = session.inputMetadata.find((m) => m.name === 'past_key_values.0.key');
  if (past?.isTensor && past.type !== 'float32') {
    throw new LAM_ModelFileError(
      folder.modelPath,
      'invalid',
      `its key-value cache is ${past.type}; this engine runs float32 models`,
      'Export the model in float32 (fp32).',
    );
  }
}

/** The buffers of the `spent` tensors that none of the `kept` ones uses. */
function spentBuffers(spent: Iterable<ort.Tensor>, kept: Iterable<ort.Tensor> = []): ArrayBufferLike[] {
  const keep = new Set<ArrayBufferLike | undefined>();
  for (const tensor of kept) keep.add(bufferOf(tensor));
  const buffers: ArrayBufferLike[] = [];
  for (const tensor of spent) {
    const buffer = bufferOf(tensor);
    if (buffer && !keep.has(buffer)) buffers.push(buffer);
  }
  return buffers;
}

function presentTensors(results: ort.InferenceSession.ReturnType): ort.Tensor[] {
  return Object.entries(results)
    .filter(([name]) => name !== 'logits')
    .map(([, tensor]) => tensor);
}

/** Under a constraint, greedy decoding checks this many best tokens before it computes a mask. */
const GREEDY_CANDIDATES = 8;

/** A model folder running on onnxruntime-node. */
export class OnnxLanguageModel implements LanguageModel {
  readonly engine = 'onnx';
  readonly model: string;
  private index: TokenIndex | undefined;
  private readonly constraints = new WeakMap<object, CompiledConstraint>();
  private readonly hasPositionIds: boolean;
  private readonly hasAttentionMask: boolean;
  private readonly maxWhitespace: number;
  /** Tokens drafted per forward pass in greedy decoding (0: none). */
  readonly draftTokens: number;
  private readonly prefixCache: PrefixCache;
  private readonly drafts = new DraftLookup();

  constructor(
    private readonly folder: ModelFolder,
    private readonly session: ort.InferenceSession,
    /** The execution provider in use: `cpu`, or `cuda` when it could be used. */
    readonly device: 'cpu' | 'cuda',
    settings: { maxWhitespace: number; draftTokens: number; prefixCache: number },
  ) {
    this.maxWhitespace = settings.maxWhitespace;
    this.draftTokens = settings.draftTokens;
    this.prefixCache = new PrefixCache(settings.prefixCache);
    this.model = folder.dir;
    this.hasPositionIds = session.inputNames.includes('position_ids');
    this.hasAttentionMask = session.inputNames.includes('attention_mask');
  }

  /** The prompt text the chat template makes of these messages. */
  renderPrompt(messages: GenerateOptions['messages']): string {
    return this.folder.renderPrompt(
      messages.map((m) => {
        const text = contentText(m.content);
        if (text === undefined) {
          throw new LAM_UnsupportedInputError(
            'onnx',
            `a ${m.role} message holds an image`,
            'This engine runs text-only decoders: send the control list as text, or use a remote vision model with the hf engine.',
          );
        }
        return { role: m.role, content: text };
      }),
    );
  }

  /** The token ids of a text (no special tokens added). */
  encode(text: string): number[] {
    return this.folder.tokenizer.encode(text, { add_special_tokens: false }).ids;
  }

  generate(options: GenerateOptions): Promise<GenerateResult> {
    return this.run(options, undefined);
  }

  stream(options: GenerateOptions): GenerationStream {
    return toGenerationStream((emit) => this.run(options, emit));
  }

  async dispose(): Promise<void> {
    this.prefixCache.clear();
    await this.session.release();
  }

  /** The vocabulary as text, for constrained decoding (built on first use). */
  private tokenIndex(): TokenIndex {
    if (this.index) return this.index;
    const tokenizer = this.folder.tokenizer;
    const specials = new Set<number>();
    for (const [id, token] of tokenizer.get_added_tokens_decoder()) if (token.special) specials.add(id);
    const anchorIds = tokenizer.encode('a', { add_special_tokens: false }).ids;
    const anchor = tokenizer.decode(anchorIds, {
      skip_special_tokens: false,
      clean_up_tokenization_spaces: false,
    });
    const textOf: string[] = new Array(this.folder.config.vocabSize).fill('');
    for (let id = 0; id < textOf.length; id++) {
      if (specials.has(id) || tokenizer.id_to_token(id) === undefined) continue;
      const text = tokenizer
        .decode([...anchorIds, id], { skip_special_tokens: false, clean_up_tokenization_spaces: false })
        .slice(anchor.length);
      // Partial UTF-8 bytes decode to U+FFFD: they cannot be checked character by character.
      if (!text.includes('\uFFFD')) textOf[id] = text;
    }
    this.index = new TokenIndex(textOf);
    return this.index;
  }

  private compiled(schema: Record<string, unknown>): CompiledConstraint {
    let compiled = this.constraints.get(schema);
    if (!compiled) {
      compiled = compileConstraint(schema, { maxWhitespace: this.maxWhitespace });
      this.constraints.set(schema, compiled);
    }
    return compiled;
  }

  private async run(
    raw: GenerateOptions,
    emit: ((delta: string) => void) | undefined,
  ): Promise<GenerateResult> {
    const started = performance.now();
    const options = parseGenerateOptions(raw);
    const signal = options.abortSignal;
    const throwIfAborted = () => {
      if (signal?.aborted) throw new LAM_AbortError({ cause: signal.reason });
    };
    throwIfAborted();
    const { config, tokenizer } = this.folder;
    const promptIds = this.encode(this.renderPrompt(options.messages));
    if (promptIds.length >= config.maxPositions)
      throw new LAM_ContextLengthError(promptIds.length, config.maxPositions);
    const budget = Math.min(options.maxTokens ?? 256, config.maxPositions - promptIds.length);
    const endIds = new Set(config.eosTokenIds);
    const compiled = options.constraint ? this.compiled(options.constraint) : undefined;
    const constrained = compiled ? new ConstrainedDecoder(compiled, this.tokenIndex(), endIds) : undefined;
    const temperature = options.temperature ?? 0;
    const random = seededRandom(options.seed ?? Math.floor(Math.random() * 2 ** 32));
    const sampling = { temperature, topK: options.topK, topP: options.topP };
    // With top-k/top-p, sampling then masking would differ from masking then sampling: always mask.
    const maskFirst = temperature > 0 && ((options.topK ?? 0) > 0 || (options.topP ?? 1) < 1);
    const penalty = options.repetitionPenalty ?? 1;
    const seen = new Set(promptIds);
    const stops = options.stop?.length ? new StopMatcher(options.stop) : undefined;
    // Drafts are checked against greedy choices: with sampling, tokens are decoded one at a time.
    const drafting = temperature === 0 && this.draftTokens > 0;

    const hit = this.prefixCache.take(promptIds);
    let past: Record<string, ort.Tensor> = hit?.past ?? this.emptyPast();
    /** The tokens whose keys and values `past` holds. */
    let fed: number[] = promptIds.slice(0, hit?.length ?? 0);
    /** The tokens to feed next: the rest of the prompt, then each chosen token. */
    let pending: number[] = promptIds.slice(fed.length);
    const output: number[] = [];
    let text = '';
    let emitted = 0;
    let firstTokenAt = 0;
    let finishReason: GenerateResult['finishReason'] = 'length';
    let stoppedByString = false;
    let constraintMs = 0;
    let passes = 0;
    let drafted = 0;
    let accepted = 0;
    let done = false;

    /** The next token from one row of logits, as greedy decoding or the sampler chooses it. */
    const choose = (row: Float32Array): number => {
      let logits = row;
      if (penalty !== 1) {
        logits = row.slice();
        applyRepetitionPenalty(logits, seen, penalty);
      }
      const left = budget - output.length;
      let token: number;
      const choosing = performance.now();
      if (temperature === 0) {
        token = argmax(logits);
        if (constrained && !constrained.allows(token, left)) {
          // The best allowed token is most often among the next few best: check those one by one
          // before computing the whole mask (same choice, as every better token was checked).
          const next = topIndices(logits, GREEDY_CANDIDATES).find((id) => constrained.allows(id, left));
          token = next ?? argmax(logits, constrained.allowed(left));
        }
      } else if (constrained && maskFirst) {
        token = sample(logits, sampling, random, constrained.allowed(left));
      } else {
        token = sample(logits, sampling, random);
        if (constrained && !constrained.allows(token, left))
          token = sample(logits, sampling, random, constrained.allowed(left));
      }
      if (constrained) constraintMs += performance.now() - choosing;
      if (logits !== row) releaseBuffers([logits.buffer]); // the penalised copy
      return token;
    };

    /** Takes a chosen token into the output; true when generation ends with it. */
    const commit = (token: number): boolean => {
      if (output.length === 0) firstTokenAt = performance.now();
      output.push(token);
      seen.add(token);
      if (endIds.has(token) && (!constrained || constrained.accepting)) {
        finishReason = 'stop';
        return true;
      }
      if (constrained) {
        const accepting = performance.now();
        constrained.accept(token);
        constraintMs += performance.now() - accepting;
      }
      if (stops || emit) {
        text = tokenizer.decode(output, { skip_special_tokens: true, clean_up_tokenization_spaces: false });
        const at = stops?.find(text) ?? -1;
        if (at >= 0) {
          text = text.slice(0, at);
          stoppedByString = true;
          finishReason = 'stop';
          return true;
        }
        if (emit) {
          let safe = stops ? stops.safeLength(text) : text.length;
          while (safe > emitted && text.charCodeAt(safe - 1) === 0xfffd) safe--;
          if (safe > emitted) {
            emit(text.slice(emitted, safe));
            emitted = safe;
          }
        }
      }
      if (constrained?.complete) {
        finishReason = 'stop';
        return true;
      }
      return output.length >= budget;
    };

    let results: ort.InferenceSession.ReturnType | undefined;
    while (!done) {
      throwIfAborted();
      const draft = drafting ? this.draft(promptIds, output, constrained, budget - output.length - 1) : [];
      const chunk = [...pending, ...draft];
      const n = chunk.length;
      const total = fed.length + n;
      const feeds: Record<string, ort.Tensor> = {
        input_ids: new ort.Tensor('int64', BigInt64Array.from(chunk, BigInt), [1, n]),
        ...past,
      };
      if (this.hasAttentionMask)
        feeds.attention_mask = new ort.Tensor('int64', new BigInt64Array(total).fill(1n), [1, total]);
      if (this.hasPositionIds) {
        const positions = new BigInt64Array(n);
        for (let i = 0; i < n; i++) positions[i] = BigInt(fed.length + i);
        feeds.position_ids = new ort.Tensor('int64', positions, [1, n]);
      }
      results = await this.session.run(feeds);
      passes++;
      drafted += draft.length;
      // Each step's outputs are new buffers; the ones a step is done with are freed at once, not at a
      // garbage collection (see releaseBuffers): here the past cache, below the logits.
      releaseBuffers(spentBuffers(Object.values(past), Object.values(results)));
      const logitsData = results.logits!.data as Float32Array;
      const vocab = logitsData.length / n;
      // Row pending.length - 1 + i predicts the token after draft[i - 1]: greedy decoding keeps the
      // draft while it agrees, and the first row where it does not gives the next token.
      let kept = 0;
      let token = -1;
      for (let i = 0; i <= draft.length; i++) {
        const row = pending.length - 1 + i;
        token = choose(logitsData.subarray(row * vocab, (row + 1) * vocab));
        done = commit(token);
        if (done || i === draft.length || token !== draft[i]) break;
        kept++;
      }
      accepted += kept;
      releaseBuffers(spentBuffers([results.logits!], presentTensors(results)));
      fed = [...fed, ...pending, ...draft.slice(0, kept)];
      past = {};
      for (let l = 0; l < config.layers; l++) {
        for (const kv of ['key', 'value']) {
          const present = results[`present.${l}.${kv}`]!;
          // A draft's rejected tail is cut off the cache (kept when generation ends: the prefix cache
          // knows how many positions are good).
          past[`past_key_values.${l}.${kv}`] =
            kept < draft.length && !done ? cutPositions(present, fed.length) : present;
        }
      }
      if (kept < draft.length && !done) releaseBuffers(spentBuffers(presentTensors(results)));
      pending = [token];
    }
    this.prefixCache.put(fed, past);
    if (drafting) this.drafts.remember(promptIds, output);
    if (!stoppedByString) {
      text = tokenizer.decode(output, { skip_special_tokens: true, clean_up_tokenization_spaces: false });
    }
    if (emit && text.length > emitted) emit(text.slice(emitted));
    const ended = performance.now();
    const decodeSeconds = (ended - firstTokenAt) / 1000;
    return {
      text,
      finishReason,
      usage: {
        inputTokens: promptIds.length,
        outputTokens: output.length,
        ...(hit ? { cachedInputTokens: hit.length } : {}),
      },
      timings: {
        timeToFirstTokenMs: output.length > 0 ? firstTokenAt - started : ended - started,
        totalMs: ended - started,
        tokensPerSecond: output.length > 1 && decodeSeconds > 0 ? (output.length - 1) / decodeSeconds : 0,
        forwardPasses: passes,
        ...(drafting ? { draftTokens: drafted, draftTokensKept: accepted } : {}),
        ...(constrained ? { constraintMs, constraintMasks: constrained.masksComputed } : {}),
      },
      engine: this.engine,
      model: this.model,
      ...(compiled ? { constraintSatisfied: matchesConstraint(compiled, text) } : {}),
      device: this.device,
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 102.4) / 10,
      outputTokenIds: output,
    };
  }

  /** An empty key-value cache (no positions yet). */
  private emptyPast(): Record<string, ort.Tensor> {
    const { config } = this.folder;
    const past: Record<string, ort.Tensor> = {};
    for (let l = 0; l < config.layers; l++) {
      for (const kv of ['key', 'value']) {
        past[`past_key_values.${l}.${kv}`] = new ort.Tensor('float32', new Float32Array(0), [
          1,
          config.kvHeads,
          0,
          config.headDim,
        ]);
      }
    }
    return past;
  }

  /**
   * The draft of the next tokens, at most `max`: of the continuations found in text seen before
   * ({@link DraftLookup}) and the characters the constraint forces (the rest of a key, of a control's
   * label, the JSON between two values), the one with the most tokens the constraint allows from here.
   */
  private draft(
    prompt: readonly number[],
    output: readonly number[],
    constrained: ConstrainedDecoder | undefined,
    max: number,
  ): number[] {
    const limit = Math.min(max, this.draftTokens);
    if (limit <= 0) return [];
    const left = max + 1;
    let draft: number[] = [];
    for (const candidate of this.drafts.propose(prompt, output, limit, 8)) {
      const usable = constrained ? candidate.slice(0, constrained.allowedRun(candidate, left)) : candidate;
      if (usable.length > draft.length) draft = usable;
    }
    if (constrained) {
      // What the constraint leaves no choice in, spaced as JSON is usually written (`{"a": 1, "b": 2}`).
      const forced = constrained.forcedText(64, ':,');
      if (forced !== '') {
        let tokens = this.encode(forced).slice(0, limit);
        tokens = tokens.slice(0, constrained.allowedRun(tokens, left));
        if (tokens.length > draft.length) draft = tokens;
      }
    }
    return draft;
  }
}
