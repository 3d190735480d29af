import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAM_InvalidOptionsError } from '../errors';
import { buildByteBpeTokenizer, createTestModel } from '.';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lam-testmodel-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('createTestModel', () => {
  it('writes the same bytes for the same seed and different ones for another', async () => {
    const a = await createTestModel(join(dir, 'a'), { hiddenSize: 16, heads: 2, layers: 1, seed: 5 });
    await createTestModel(join(dir, 'b'), { hiddenSize: 16, heads: 2, layers: 1, seed: 5 });
    await createTestModel(join(dir, 'c'), { hiddenSize: 16, heads: 2, layers: 1, seed: 6 });
    const read = (d: string) => readFile(join(dir, d, 'onnx/model.onnx'));
    expect((await read('a')).equals(await read('b'))).toBe(true);
    expect((await read('a')).equals(await read('c'))).toBe(false);
    const config = JSON.parse(await readFile(join(dir, 'a', 'config.json'), 'utf8'));
    expect(config).toMatchObject({
      vocab_size: a.vocabSize,
      hidden_size: 16,
      num_hidden_layers: 1,
      num_attention_heads: 2,
    });
    expect(a.parameters).toBeGreaterThan(2 * a.vocabSize * 16);
  });

  it('rejects a hidden size that the heads do not divide', async () => {
    await expect(createTestModel(join(dir, 'x'), { hiddenSize: 10, heads: 4 })).rejects.toBeInstanceOf(
      LAM_InvalidOptionsError,
    );
  });
});

describe('the built-in byte-level BPE tokenizer', () => {
  it('round-trips any text, with merges learnt from its text', () => {
    const json = buildByteBpeTokenizer();
    const tokenizer = new Tokenizer(json, {});
    const text = 'Click "Save" – then type héllo wörld 123 {"a": [1]} 😀';
    const ids = tokenizer.encode(text, { add_special_tokens: false }).ids;
    expect(tokenizer.decode(ids)).toBe(text);
    expect(ids.length).toBeLessThan(new TextEncoder().encode(text).length);
    expect(tokenizer.encode('<|user|>', { add_special_tokens: false }).ids).toEqual([3]);
  });
});
