import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { LAM_InvalidOptionsError } from '../errors';
import { BYTE_BPE_SPECIAL_TOKENS, buildByteBpeTokenizer } from './byte-bpe';
import { buildCausalLmGraph } from './onnx-graph';

/** A plain chat template: `<|role|>` headers, each message closed by the end token. */
export const TEST_CHAT_TEMPLATE =
  "{{ bos_token }}{% for message in messages %}{{ '<|' + message['role'] + '|>\\n' + message['content'] + eos_token + '\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}";

/** Options of {@link createTestModel}. */
export const TestModelOptionsSchema = z.object({
  /** Width of the model (default 64); must be a multiple of `heads`. */
  hiddenSize: z.number().int().positive().optional(),
  /** Transformer blocks (default 2). */
  layers: z.number().int().positive().optional(),
  /** Attention heads (default 4). */
  heads: z.number().int().positive().optional(),
  /** Width of the MLP (default 4 × hiddenSize). */
  intermediateSize: z.number().int().positive().optional(),
  /** Positions the model can see (default 1024). */
  maxPositions: z.number().int().positive().optional(),
  /** Seed of the random weights (default 1). The same options write the same files. */
  seed: z.number().int().optional(),
  /**
   * The tokenizer: absent for the built-in byte-level BPE tokenizer; otherwise the path of a
   * Hugging Face `tokenizer.json` (its `tokenizer_config.json` beside it is used when present).
   */
  tokenizerFile: z.string().optional(),
  /** Merges of the built-in tokenizer (default 200). */
  merges: z.number().int().min(0).optional(),
  /** Where to write the model: `onnx/model.onnx` (default) or `model.onnx`. */
  layout: z.enum(['onnx/model.onnx', 'model.onnx']).optional(),
});
export type TestModelOptions = z.infer<typeof TestModelOptionsSchema>;

/** What {@link createTestModel} wrote. */
export interface TestModelInfo {
  dir: string;
  modelFile: string;
  vocabSize: number;
  parameters: number;
  eosTokenId: number;
}

/**
 * Writes a small causal language model with deterministic random weights into `dir`, in the standard
 * export layout: `onnx/model.onnx` (past key values in, present key values out), `config.json`,
 * `generation_config.json`, `tokenizer.json` and `tokenizer_config.json` with a chat template.
 * Its output is meaningless text, but every part of a real model folder is there, so loaders,
 * decoders and constraints can be tested and timed on it.
 */
export async function createTestModel(dir: string, options: TestModelOptions = {}): Promise<TestModelInfo> {
  const parsed = TestModelOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new LAM_InvalidOptionsError(
      parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`),
      'See TestModelOptions for the accepted options.',
    );
  }
  const o = parsed.data;
  const hiddenSize = o.hiddenSize ?? 64;
  const heads = o.heads ?? 4;
  const layers = o.layers ?? 2;
  const intermediateSize = o.intermediateSize ?? 4 * hiddenSize;
  const maxPositions = o.maxPositions ?? 1024;
  if (hiddenSize % heads !== 0) {
    throw new LAM_InvalidOptionsError(
      [`hiddenSize ${hiddenSize} is not a multiple of heads ${heads}`],
      'Pick a hiddenSize divisible by the number of heads.',
    );
  }

  let tokenizer: Record<string, unknown>;
  let tokenizerConfig: Record<string, unknown>;
  if (o.tokenizerFile) {
    tokenizer = JSON.parse(await readFile(o.tokenizerFile, 'utf8'));
    const configFile = join(o.tokenizerFile, '..', 'tokenizer_config.json');
    tokenizerConfig = await readFile(configFile, 'utf8').then(
      (text) => JSON.parse(text) as Record<string, unknown>,
      () => ({}),
    );
  } else {
    tokenizer = buildByteBpeTokenizer(o.merges ?? 200);
    tokenizerConfig = { tokenizer_class: 'PreTrainedTokenizerFast' };
  }
  const vocab = (tokenizer.model as { vocab: Record<string, number> | [string, number][] }).vocab;
  const ids = Array.isArray(vocab) ? vocab.map((_, i) => i) : Object.values(vocab);
  for (const t of (tokenizer.added_tokens as { id: number }[] | undefined) ?? []) ids.push(t.id);
  const vocabSize = Math.max(...ids) + 1;
  const tokenId = (content: string) => {
    const added = (tokenizer.added_tokens as { id: number; content: string }[] | undefined)?.find(
      (t) => t.content === content,
    );
    if (added) return added.id;
    return Array.isArray(vocab) ? vocab.findIndex(([t]) => t === content) : vocab[content];
  };
  const bos = tokenOf(tokenizerConfig.bos_token) ?? BYTE_BPE_SPECIAL_TOKENS[0];
  const eos = tokenOf(tokenizerConfig.eos_token) ?? BYTE_BPE_SPECIAL_TOKENS[1];
  const bosTokenId = tokenId(bos);
  const eosTokenId = tokenId(eos);
  if (bosTokenId === undefined || bosTokenId < 0 || eosTokenId === undefined || eosTokenId < 0) {
    throw new LAM_InvalidOptionsError(
      [`the tokenizer has no token "${bos}" or "${eos}"`],
      'Use a tokenizer.json whose tokenizer_config.json names bos_token and eos_token that it contains.',
    );
  }

  const modelFile = o.layout ?? 'onnx/model.onnx';
  await mkdir(join(dir, 'onnx'), { recursive: true });
  const graph = buildCausalLmGraph({
    vocabSize,
    hiddenSize,
    layers,
    heads,
    intermediateSize,
    maxPositions,
    seed: o.seed ?? 1,
  });
  await writeFile(join(dir, modelFile), graph);
  const config = {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    vocab_size: vocabSize,
    hidden_size: hiddenSize,
    intermediate_size: intermediateSize,
    num_hidden_layers: layers,
    num_attention_heads: heads,
    num_key_value_heads: heads,
    head_dim: hiddenSize / heads,
    max_position_embeddings: maxPositions,
    bos_token_id: bosTokenId,
    eos_token_id: eosTokenId,
    torch_dtype: 'float32',
  };
  await writeJson(join(dir, 'config.json'), config);
  await writeJson(join(dir, 'generation_config.json'), {
    bos_token_id: bosTokenId,
    eos_token_id: eosTokenId,
    do_sample: false,
  });
  await writeJson(join(dir, 'tokenizer.json'), tokenizer);
  await writeJson(join(dir, 'tokenizer_config.json'), {
    ...tokenizerConfig,
    bos_token: bos,
    eos_token: eos,
    clean_up_tokenization_spaces: false,
    model_max_length: maxPositions,
    chat_template: TEST_CHAT_TEMPLATE,
  });
  const parameters =
    2 * vocabSize * hiddenSize +
    maxPositions * hiddenSize +
    layers * (4 * hiddenSize * hiddenSize + 2 * hiddenSize * intermediateSize + 4 * hiddenSize) +
    2 * hiddenSize;
  return { dir, modelFile, vocabSize, parameters, eosTokenId };
}

function tokenOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'content' in value && typeof value.content === 'string') {
    return value.content;
  }
  return undefined;
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}
