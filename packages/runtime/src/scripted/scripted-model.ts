import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { matchesConstraint } from '../constraint/constraint';
import { LAM_AbortError, LAM_ModelFileError, LAM_ScriptExhaustedError } from '../errors';
import { parseGenerateOptions } from '../options';
import { StopMatcher } from '../stop';
import { toGenerationStream } from '../stream';
import type { GenerateOptions, GenerateResult, GenerationStream, LanguageModel } from '../types';

/** One recorded output: its text, or the text with the finish reason and usage to report. */
export const RecordedOutputSchema = z.union([
  z.string(),
  z.object({
    text: z.string(),
    finishReason: z.enum(['stop', 'length']).optional(),
    usage: z
      .object({ inputTokens: z.number().int().min(0), outputTokens: z.number().int().min(0) })
      .optional(),
  }),
]);
export type RecordedOutput = z.infer<typeof RecordedOutputSchema>;

/** Options of the scripted engine. */
export interface ScriptedModelOptions {
  /** A name for messages and results (default: the file, or `scripted`). */
  name?: string;
}

/**
 * Reads recorded outputs from a file and returns a model that replays them, one per call, in order.
 * `.jsonl`: one JSON value per line; `.json`: an array. Each value is a string or
 * `{ text, finishReason?, usage? }`.
 */
export async function loadScriptedModel(
  file: string,
  options: ScriptedModelOptions = {},
): Promise<ScriptedModel> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new LAM_ModelFileError(
      file,
      'missing',
      'the file cannot be read',
      'Pass the path of a .jsonl or .json file of recorded outputs.',
      {
        cause,
      },
    );
  }
  const values: unknown[] = [];
  const bad = (where: string, detail: string, cause?: unknown) =>
    new LAM_ModelFileError(
      file,
      'invalid',
      `${where}: ${detail}`,
      'Each recorded output is a JSON string or an object { "text": "...", "finishReason"?: "stop" | "length" }.',
      { cause },
    );
  if (file.endsWith('.json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (cause) {
      throw bad('the file', 'is not JSON', cause);
    }
    if (!Array.isArray(parsed)) throw bad('the file', 'is not a JSON array');
    values.push(...parsed);
  } else {
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (line.length === 0) continue;
      try {
        values.push(JSON.parse(line));
      } catch (cause) {
        throw bad(`line ${i + 1}`, 'is not JSON', cause);
      }
    }
  }
  const outputs = values.map((value, i) => {
    const parsed = RecordedOutputSchema.safeParse(value);
    if (!parsed.success)
      throw bad(`output ${i + 1}`, parsed.error.issues[0]?.message ?? 'not a recorded output');
    return parsed.data;
  });
  return new ScriptedModel(outputs, options.name ?? file);
}

/** Returns a model that replays the given outputs, one per call, in order. */
export function createScriptedModel(
  outputs: RecordedOutput[],
  options: ScriptedModelOptions = {},
): ScriptedModel {
  return new ScriptedModel(
    outputs.map((o) => RecordedOutputSchema.parse(o)),
    options.name ?? 'scripted',
  );
}

/** Replays recorded outputs; throws `LAM_ScriptExhaustedError` when called once too often. */
export class ScriptedModel implements LanguageModel {
  readonly engine = 'scripted';
  private next = 0;

  constructor(
    private readonly outputs: readonly RecordedOutput[],
    readonly model: string,
  ) {}

  /** How many recorded outputs are left. */
  get remaining(): number {
    return this.outputs.length - this.next;
  }

  generate(options: GenerateOptions): Promise<GenerateResult> {
    return this.run(options, undefined);
  }

  stream(options: GenerateOptions): GenerationStream {
    return toGenerationStream((emit) => this.run(options, emit));
  }

  async dispose(): Promise<void> {}

  private async run(
    raw: GenerateOptions,
    emit: ((delta: string) => void) | undefined,
  ): Promise<GenerateResult> {
    const started = performance.now();
    const options = parseGenerateOptions(raw);
    if (options.abortSignal?.aborted) throw new LAM_AbortError({ cause: options.abortSignal.reason });
    const recorded = this.outputs[this.next];
    if (recorded === undefined) throw new LAM_ScriptExhaustedError(this.model, this.outputs.length);
    this.next++;
    const entry = typeof recorded === 'string' ? { text: recorded } : recorded;
    let text = entry.text;
    let finishReason = entry.finishReason ?? 'stop';
    if (options.stop?.length) {
      const at = new StopMatcher(options.stop).find(text);
      if (at >= 0) {
        text = text.slice(0, at);
        finishReason = 'stop';
      }
    }
    const firstAt = performance.now();
    if (emit) for (const piece of text.match(/\s*\S+|\s+$/g) ?? []) emit(piece);
    const ended = performance.now();
    const promptChars = options.messages.reduce(
      (n, m) => n + (typeof m.content === 'string' ? m.content.length : JSON.stringify(m.content).length),
      0,
    );
    return {
      text,
      finishReason,
      // Without recorded usage, about four characters per token.
      usage: entry.usage ?? {
        inputTokens: Math.ceil(promptChars / 4),
        outputTokens: Math.ceil(text.length / 4),
      },
      timings: { timeToFirstTokenMs: firstAt - started, totalMs: ended - started, tokensPerSecond: 0 },
      engine: this.engine,
      model: this.model,
      ...(options.constraint ? { constraintSatisfied: matchesConstraint(options.constraint, text) } : {}),
    };
  }
}
