import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Template } from '@huggingface/jinja';
import { Tokenizer } from '@huggingface/tokenizers';
import { LAM_ModelFileError } from '../errors';

/** The parts of config.json the decoder needs. */
export interface DecoderConfig {
  vocabSize: number;
  layers: number;
  kvHeads: number;
  headDim: number;
  maxPositions: number;
  eosTokenIds: number[];
}

/** A model folder, read and checked. */
export interface ModelFolder {
  dir: string;
  /** The ONNX file, as an absolute path. */
  modelPath: string;
  /** The ONNX file relative to the folder, for messages. */
  modelFile: string;
  config: DecoderConfig;
  tokenizer: Tokenizer;
  /** Renders chat messages into the prompt text. */
  renderPrompt: (messages: { role: string; content: string }[]) => string;
}

const FOLDER_FIX =
  'A model folder holds config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx';

/**
 * Reads a model folder in the standard export layout and checks every file it needs,
 * throwing `LAM_ModelFileError` that names the missing or bad file and how to fix it.
 */
export async function readModelFolder(dir: string, modelFile?: string): Promise<ModelFolder> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) {
    throw new LAM_ModelFileError(
      dir,
      'missing',
      'no such folder',
      `Pass the path of a model folder. ${FOLDER_FIX}.`,
    );
  }
  const config = await readJson(dir, 'config.json', true);
  const generation = (await readJson(dir, 'generation_config.json', false)) ?? {};
  const tokenizerJson = await readJson(dir, 'tokenizer.json', true);
  const tokenizerConfig = await readJson(dir, 'tokenizer_config.json', true);
  if (!tokenizerJson || typeof tokenizerJson.model !== 'object' || tokenizerJson.model === null) {
    throw new LAM_ModelFileError(
      join(dir, 'tokenizer.json'),
      'invalid',
      'it has no "model" section, so it is not a Hugging Face tokenizer.json',
      'Copy the tokenizer.json that belongs to the model.',
    );
  }
  const decoderConfig = readConfig(dir, config!, generation);
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(tokenizerJson, tokenizerConfig ?? {});
  } catch (cause) {
    throw new LAM_ModelFileError(
      join(dir, 'tokenizer.json'),
      'invalid',
      `the tokenizer cannot be built (${(cause as Error).message})`,
      'Copy the tokenizer.json that belongs to the model.',
      { cause },
    );
  }
  const renderPrompt = await chatTemplate(dir, tokenizerConfig!);
  const modelPath = await findModel(dir, modelFile);
  return {
    dir,
    modelPath,
    modelFile: modelPath.slice(dir.length + 1),
    config: decoderConfig,
    tokenizer,
    renderPrompt,
  };
}

async function readJson(dir: string, name: string, required: true): Promise<Record<string, unknown>>;
async function readJson(
  dir: string,
  name: string,
  required: false,
): Promise<Record<string, unknown> | undefined>;
async function readJson(
  dir: string,
  name: string,
  required: boolean,
): Promise<Record<string, unknown> | undefined> {
  const file = join(dir, name);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    if (!required) return undefined;
    throw new LAM_ModelFileError(
      file,
      'missing',
      'the file cannot be read',
      `${FOLDER_FIX}; copy ${name} from the model's export.`,
      {
        cause,
      },
    );
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new Error('not a JSON object');
    return value as Record<string, unknown>;
  } catch (cause) {
    throw new LAM_ModelFileError(
      file,
      'invalid',
      `it is not a JSON object (${(cause as Error).message})`,
      `The file is damaged or truncated: copy ${name} from the model's export again.`,
      { cause },
    );
  }
}

function readConfig(
  dir: string,
  config: Record<string, unknown>,
  generation: Record<string, unknown>,
): DecoderConfig {
  const file = join(dir, 'config.json');
  const int = (key: string, fallback?: number): number => {
    const value = config[key] ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
      throw new LAM_ModelFileError(
        file,
        'invalid',
        `"${key}" is ${value === undefined ? 'missing' : `${JSON.stringify(value)}, not a positive integer`}`,
        'Use the config.json written by the exporter: it names vocab_size, hidden_size, num_hidden_layers and num_attention_heads.',
      );
    }
    return value;
  };
  const heads = int('num_attention_heads');
  const hidden = int('hidden_size');
  const ids = (value: unknown): number[] =>
    typeof value === 'number'
      ? [value]
      : Array.isArray(value)
        ? value.filter((v) => typeof v === 'number')
        : [];
  const eos = [...new Set([...ids(generation.eos_token_id), ...ids(config.eos_token_id)])];
  return {
    vocabSize: int('vocab_size'),
    layers: int('num_hidden_layers'),
    kvHeads: int('num_key_value_heads', heads),
    headDim: int('head_dim', Math.floor(hidden / heads)),
    maxPositions: int('max_position_embeddings', Number.MAX_SAFE_INTEGER),
    eosTokenIds: eos,
  };
}

async function chatTemplate(
  dir: string,
  tokenizerConfig: Record<string, unknown>,
): Promise<(messages: { role: string; content: string }[]) => string> {
  let source: string | undefined;
  let file = join(dir, 'tokenizer_config.json');
  const inline = tokenizerConfig.chat_template;
  if (typeof inline === 'string') source = inline;
  else if (Array.isArray(inline)) {
    const named = inline.find((t) => t && typeof t === 'object' && t.name === 'default');
    if (typeof named?.template === 'string') source = named.template;
  }
  if (source === undefined) {
    file = join(dir, 'chat_template.jinja');
    source = await readFile(file, 'utf8').catch(() => undefined);
  }
  if (source === undefined) {
    file = join(dir, 'chat_template.json');
    const json = await readJson(dir, 'chat_template.json', false);
    if (typeof json?.chat_template === 'string') source = json.chat_template;
  }
  if (source === undefined) {
    throw new LAM_ModelFileError(
      join(dir, 'tokenizer_config.json'),
      'invalid',
      'it has no "chat_template" (and there is no chat_template.jinja or chat_template.json)',
      'Add the chat template of the model (a Jinja string) as "chat_template" in tokenizer_config.json.',
    );
  }
  let template: Template;
  try {
    template = new Template(source);
  } catch (cause) {
    throw new LAM_ModelFileError(
      file,
      'invalid',
      `its chat template does not parse (${(cause as Error).message})`,
      'Fix the Jinja syntax of the chat template.',
      { cause },
    );
  }
  const specials: Record<string, string> = {};
  for (const [key, value] of Object.entries(tokenizerConfig)) {
    if (!key.endsWith('_token')) continue;
    if (typeof value === 'string') specials[key] = value;
    else if (
      value &&
      typeof value === 'object' &&
      typeof (value as { content?: unknown }).content === 'string'
    ) {
      specials[key] = (value as { content: string }).content;
    }
  }
  return (messages) => {
    try {
      return template.render({ ...specials, messages, add_generation_prompt: true });
    } catch (cause) {
      throw new LAM_ModelFileError(
        file,
        'invalid',
        `its chat template failed to render (${(cause as Error).message})`,
        'Check the chat template: it must render a list of {role, content} messages.',
        { cause },
      );
    }
  };
}

async function findModel(dir: string, modelFile: string | undefined): Promise<string> {
  const candidates = modelFile ? [modelFile] : ['onnx/model.onnx', 'model.onnx'];
  for (const candidate of candidates) {
    const path = join(dir, candidate);
    const info = await stat(path).catch(() => undefined);
    if (info?.isFile()) {
      if (info.size === 0) {
        throw new LAM_ModelFileError(
          path,
          'invalid',
          'the file is empty',
          'Copy or export the ONNX model again.',
        );
      }
      return path;
    }
  }
  throw new LAM_ModelFileError(
    join(dir, candidates[0]!),
    'missing',
    `no ONNX model found (looked for ${candidates.join(', ')})`,
    modelFile
      ? 'Check the modelFile option: it is relative to the model folder.'
      : 'Export the decoder with past key values to onnx/model.onnx (or pass modelFile).',
  );
}
