import { InferenceClient, InferenceClientProviderApiError } from '@huggingface/inference';
import { compileConstraint, matchesConstraint } from '../constraint/constraint';
import { LAM_AbortError, LAM_InvalidOptionsError, LAM_RemoteModelError, type RemoteFault } from '../errors';
import { parseGenerateOptions } from '../options';
import { StopMatcher } from '../stop';
import { toGenerationStream } from '../stream';
import type { GenerateOptions, GenerateResult, GenerationStream, LanguageModel } from '../types';
import { isRetryableStatus, retryDelayMs, sleep } from './retry';

/** Options of {@link createHfModel}. */
export interface HfModelOptions {
  /** The model: a Hub model id for Inference Providers, or the model name an OpenAI-compatible server expects. */
  model: string;
  /**
   * The base URL of an Inference Endpoint or of any OpenAI-compatible server (TGI, vLLM, llama.cpp,
   * Ollama), e.g. `http://127.0.0.1:8080`; the client adds `/v1/chat/completions`. Absent: Inference Providers.
   */
  endpointUrl?: string;
  /** The Inference Provider (default `auto`); not used with `endpointUrl`. */
  provider?: string;
  /** The access token (default: the HF_TOKEN environment variable). */
  accessToken?: string;
  /** How long one attempt may take, in ms (default 60000); for streams, the longest wait for the next chunk. */
  timeoutMs?: number;
  /** Retries after 429, 5xx, timeouts and dropped connections (default 4). */
  maxRetries?: number;
  /** The first retry delay in ms (default 500), doubled each time; Retry-After wins when sent. */
  retryBaseMs?: number;
  /** The longest retry delay in ms (default 30000). */
  maxRetryDelayMs?: number;
  /**
   * How a constraint is sent: `json_schema` (OpenAI `response_format`, also vLLM, llama.cpp, TGI 3),
   * `tgi` (TGI's `{type: "json", value}`), or `none` (only checked afterwards). Default `json_schema`.
   */
  constraintFormat?: 'json_schema' | 'tgi' | 'none';
  /** A fetch to use instead of the global one. */
  fetch?: typeof fetch;
}

/**
 * Returns a {@link LanguageModel} served remotely through `@huggingface/inference`: Inference Providers,
 * Inference Endpoints or any OpenAI-compatible server.
 */
export function createHfModel(options: HfModelOptions): HfLanguageModel {
  return new HfLanguageModel(options);
}

interface Attempt {
  status?: number;
  retryAfter?: string | null;
}

/** A remote chat model. */
export class HfLanguageModel implements LanguageModel {
  readonly engine = 'hf';
  readonly model: string;
  private readonly client: InferenceClient;
  private readonly token: string | undefined;
  private readonly where: string;

  constructor(private readonly options: HfModelOptions) {
    if (typeof options.model !== 'string' || options.model.trim() === '') {
      throw new LAM_InvalidOptionsError(
        ['model is empty'],
        'Name the model: a Hub id such as "org/model", or the name your server serves.',
      );
    }
    this.model = options.model;
    this.token = options.accessToken ?? process.env.HF_TOKEN ?? undefined;
    if (options.endpointUrl !== undefined) {
      let url: URL;
      try {
        url = new URL(options.endpointUrl);
      } catch {
        throw new LAM_RemoteModelError(
          'url',
          `"${options.endpointUrl}" is not a URL`,
          'Give the server base URL, e.g. http://127.0.0.1:8080.',
          {
            url: options.endpointUrl,
            model: options.model,
          },
        );
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new LAM_RemoteModelError(
          'url',
          `"${options.endpointUrl}" is not an http(s) URL`,
          'Give the server base URL, e.g. http://127.0.0.1:8080.',
          {
            url: options.endpointUrl,
            model: options.model,
          },
        );
      }
      this.where = options.endpointUrl;
      this.client = new InferenceClient(this.token, { endpointUrl: options.endpointUrl.replace(/\/+$/, '') });
    } else {
      if (!this.token) {
        throw new LAM_RemoteModelError(
          'token',
          'no access token for Hugging Face Inference Providers',
          'Set the HF_TOKEN environment variable (or the accessToken option) to a token with the "inference providers" permission.',
          { model: options.model },
        );
      }
      this.where = 'Hugging Face Inference Providers';
      this.client = new InferenceClient(this.token);
    }
  }

  generate(options: GenerateOptions): Promise<GenerateResult> {
    return this.run(options, undefined);
  }

  stream(options: GenerateOptions): GenerationStream {
    return toGenerationStream((emit) => this.run(options, emit));
  }

  async dispose(): Promise<void> {}

  private request(options: GenerateOptions, stream: boolean) {
    const messages = options.messages.map((m) => ({
      role: m.role,
      content:
        typeof m.content === 'string'
          ? m.content
          : m.content.map((p) =>
              p.type === 'text'
                ? { type: 'text', text: p.text }
                : { type: 'image_url', image_url: { url: p.image } },
            ),
    }));
    const format = this.options.constraintFormat ?? 'json_schema';
    const args: Record<string, unknown> = {
      model: this.model,
      messages,
      max_tokens: options.maxTokens ?? 256,
      ...(this.options.endpointUrl === undefined && this.options.provider
        ? { provider: this.options.provider }
        : {}),
      ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
      ...(options.topP !== undefined ? { top_p: options.topP } : {}),
      ...(options.topK ? { top_k: options.topK } : {}),
      ...(options.repetitionPenalty !== undefined ? { repetition_penalty: options.repetitionPenalty } : {}),
      ...(options.stop?.length ? { stop: options.stop } : {}),
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
    };
    if (options.constraint && format === 'json_schema') {
      args.response_format = {
        type: 'json_schema',
        json_schema: { name: 'lam_output', schema: options.constraint, strict: true },
      };
    } else if (options.constraint && format === 'tgi') {
      args.response_format = { type: 'json', value: options.constraint };
    }
    if (stream) args.stream = true;
    return args;
  }

  private async run(
    raw: GenerateOptions,
    emit: ((delta: string) => void) | undefined,
  ): Promise<GenerateResult> {
    const started = performance.now();
    const options = parseGenerateOptions(raw);
    if (options.constraint) compileConstraint(options.constraint);
    const signal = options.abortSignal;
    const maxRetries = this.options.maxRetries ?? 4;
    const backoff = {
      baseMs: this.options.retryBaseMs ?? 500,
      maxMs: this.options.maxRetryDelayMs ?? 30_000,
    };
    const timeoutMs = this.options.timeoutMs ?? 60_000;
    const args = this.request(options, emit !== undefined);

    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw new LAM_AbortError({ cause: signal.reason });
      const seen: Attempt = {};
      const controller = new AbortController();
      let timedOut = false;
      let timer = setTimeout(() => {
        timedOut = true;
        controller.abort(new Error('timeout'));
      }, timeoutMs);
      const touch = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          timedOut = true;
          controller.abort(new Error('timeout'));
        }, timeoutMs);
      };
      const onAbort = () => controller.abort(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      const baseFetch = this.options.fetch ?? fetch;
      const recordingFetch: typeof fetch = async (input, init) => {
        const response = await baseFetch(input, init);
        seen.status = response.status;
        seen.retryAfter = response.headers.get('retry-after');
        return response;
      };
      const callOptions = { signal: controller.signal, retry_on_error: false, fetch: recordingFetch };
      let firstChunk = false;
      try {
        let text = '';
        let finishReason: GenerateResult['finishReason'] = 'stop';
        let usage: { inputTokens: number; outputTokens: number } | undefined;
        let firstAt = 0;
        let chunks = 0;
        if (emit) {
          const stops = options.stop?.length ? new StopMatcher(options.stop) : undefined;
          // biome-ignore lint/suspicious/noExplicitAny: the request carries server-specific fields
          for await (const chunk of this.client.chatCompletionStream(args as any, callOptions)) {
            touch();
            if (!firstChunk) {
              firstChunk = true;
              firstAt = performance.now();
            }
            const choice = chunk.choices?.[0];
            const delta = choice?.delta?.content ?? '';
            if (delta) {
              chunks++;
              const before = text.length;
              text += delta;
              const at = stops?.find(text, before) ?? -1;
              if (at >= 0) {
                text = text.slice(0, at);
                if (text.length > before) emit(text.slice(before));
                break;
              }
              emit(delta);
            }
            if (choice?.finish_reason === 'length') finishReason = 'length';
            if (chunk.usage)
              usage = { inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens };
          }
          usage ??= { inputTokens: 0, outputTokens: chunks };
        } else {
          // biome-ignore lint/suspicious/noExplicitAny: the request carries server-specific fields
          const response = await this.client.chatCompletion(args as any, callOptions);
          firstAt = performance.now();
          const choice = response.choices?.[0];
          const content = choice?.message?.content;
          if (typeof content !== 'string') {
            throw new LAM_RemoteModelError(
              'server',
              'the response has no choices[0].message.content',
              'Check that the URL points to an OpenAI-compatible chat-completions server.',
              {
                url: this.where,
                model: this.model,
              },
            );
          }
          text = content;
          if (choice?.finish_reason === 'length') finishReason = 'length';
          const at = options.stop?.length ? new StopMatcher(options.stop).find(text) : -1;
          if (at >= 0) text = text.slice(0, at);
          usage = {
            inputTokens: response.usage?.prompt_tokens ?? 0,
            outputTokens: response.usage?.completion_tokens ?? 0,
          };
        }
        const ended = performance.now();
        const seconds = (ended - firstAt) / 1000;
        return {
          text,
          finishReason,
          usage,
          timings: {
            timeToFirstTokenMs: firstAt - started,
            totalMs: ended - started,
            tokensPerSecond: usage.outputTokens > 1 && seconds > 0 ? (usage.outputTokens - 1) / seconds : 0,
          },
          engine: this.engine,
          model: this.model,
          ...(options.constraint
            ? {
                constraintSatisfied: matchesConstraint(
                  compileConstraint(options.constraint, { maxWhitespace: 10_000 }),
                  text.trim(),
                ),
              }
            : {}),
        };
      } catch (error) {
        if (signal?.aborted) throw new LAM_AbortError({ cause: signal.reason });
        if (error instanceof LAM_RemoteModelError) throw error;
        const failure = this.classify(error, seen, timedOut, attempt);
        const retryable = !firstChunk && failure.retryable && attempt <= maxRetries;
        if (!retryable) throw failure.error;
        try {
          await sleep(retryDelayMs(attempt, seen.retryAfter, backoff), signal);
        } catch {
          throw new LAM_AbortError({ cause: signal?.reason });
        }
      } finally {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      }
    }
  }

  private classify(
    error: unknown,
    seen: Attempt,
    timedOut: boolean,
    attempts: number,
  ): { retryable: boolean; error: LAM_RemoteModelError } {
    const info = {
      url: this.where,
      model: this.model,
      attempts,
      ...(seen.status ? { status: seen.status } : {}),
    };
    const make = (fault: RemoteFault, detail: string, fix: string) =>
      new LAM_RemoteModelError(fault, detail, fix, info, { cause: error });
    if (timedOut) {
      return {
        retryable: true,
        error: make(
          'timeout',
          `no answer from ${this.where} within ${this.options.timeoutMs ?? 60_000} ms (${attempts} attempts)`,
          'Check that the server is not overloaded, or raise timeoutMs.',
        ),
      };
    }
    if (error instanceof InferenceClientProviderApiError) {
      const status = error.httpResponse.status;
      const body =
        typeof error.httpResponse.body === 'string'
          ? error.httpResponse.body
          : JSON.stringify(error.httpResponse.body);
      const said = body ? `: ${body.slice(0, 300)}` : '';
      const mentionsModel = /model/i.test(body);
      if (status === 401 || status === 403) {
        return {
          retryable: false,
          error: make(
            'token',
            `${this.where} refused the access token (HTTP ${status})${said}`,
            this.token
              ? 'Check the token in HF_TOKEN (or the accessToken option): it may be wrong, expired or lack the inference permission.'
              : 'Set HF_TOKEN (or the accessToken option): the server wants a token.',
          ),
        };
      }
      if (status === 404 || status === 400 || status === 422) {
        if (
          mentionsModel &&
          /not (be )?found|does not exist|unknown|not available|no such|not served|invalid model/i.test(body)
        ) {
          return {
            retryable: false,
            error: make(
              'model',
              `${this.where} does not serve model "${this.model}" (HTTP ${status})${said}`,
              'Check the model name: it must be one the server serves (for OpenAI-compatible servers see GET /v1/models).',
            ),
          };
        }
        if (status === 404) {
          return {
            retryable: false,
            error: make(
              'url',
              `${this.where} has no chat-completions route (HTTP 404)${said}`,
              'Check the URL: give the server base URL (e.g. http://host:8080); the client adds /v1/chat/completions.',
            ),
          };
        }
        return {
          retryable: false,
          error: make(
            'request',
            `${this.where} rejected the request (HTTP ${status})${said}`,
            'Check the generation options (for example the constraint format: try constraintFormat "tgi" or "none").',
          ),
        };
      }
      if (isRetryableStatus(status)) {
        return {
          retryable: true,
          error: make(
            'server',
            `${this.where} failed with HTTP ${status} after ${attempts} attempts${said}`,
            'The server is overloaded or failing: try again later, or check its logs.',
          ),
        };
      }
      return {
        retryable: false,
        error: make('server', `${this.where} answered HTTP ${status}${said}`, 'Check the server logs.'),
      };
    }
    const code = networkCode(error);
    if (
      code === 'ECONNREFUSED' ||
      code === 'ENOTFOUND' ||
      code === 'EAI_AGAIN' ||
      code === 'ERR_INVALID_URL'
    ) {
      return {
        retryable: code === 'EAI_AGAIN',
        error: make(
          'url',
          `cannot connect to ${this.where} (${code})`,
          'Check the URL and that the server is running and reachable from here.',
        ),
      };
    }
    if (code) {
      return {
        retryable: true,
        error: make(
          'server',
          `the connection to ${this.where} failed (${code}) after ${attempts} attempts`,
          'Check the server and the network; the call was retried.',
        ),
      };
    }
    const message = error instanceof Error ? error.message : String(error);
    return {
      retryable: false,
      error: make(
        'server',
        `the call to ${this.where} failed: ${message}`,
        'Check that the URL points to an OpenAI-compatible chat-completions server.',
      ),
    };
  }
}

function networkCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    if (e instanceof AggregateError) return networkCode(e.errors[0]);
  }
  return undefined;
}
