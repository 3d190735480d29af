// Step latency of the main job (issue: a step in under half a second on 2 cores), in two parts:
// - decode: 100 held-out step prompts of datasets/office, rendered as the agent renders them, decoded
//   under the agent's constraint by the shipped model three ways, interleaved prompt by prompt: our
//   engine with one token per forward pass and no prefix cache (the engine before drafts), our engine
//   as shipped (drafts checked in one pass, prefix cache), and transformers' generate() in Python on
//   the same prompt ids (as many new tokens as ours wrote). Greedy output with and without drafts must
//   be the same on every prompt.
// - online: `lam eval office` with the shipped model in real LibreOffice; every step's time from its
//   trajectory record, with the wait before it (--step-delay) counted.
// LAM_BENCH_TASKS=<n> runs the first n office tasks only (default all; 0 skips the online part);
// LAM_BENCH_PROMPTS=<n> (default 100); LAM_BENCH_DRAFT_TOKENS=<n> sets our engine's draftTokens.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  argumentSchemas,
  defaultModelSpec,
  evaluateOffline,
  functionNamesFor,
  promptSettingsOf,
  stepConstraint,
  stepSamples,
} from '@lam/agent';
import { readGeneratedDataset } from '@lam/dataflow';
import { quantile } from '@lam/eval';
import { loadOnnxModel } from '@lam/runtime/onnx';
import { defaultActionRegistry } from '@lam/schema';
import { peakRssMiB, report } from './report.mjs';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
const PROMPTS = Number(process.env.LAM_BENCH_PROMPTS ?? 100);
const TASKS = process.env.LAM_BENCH_TASKS === undefined ? undefined : Number(process.env.LAM_BENCH_TASKS);
// lam eval's --step-delay (its default, 0, unless LAM_BENCH_STEP_DELAY says otherwise): counted in each step.
const STEP_DELAY_MS = Number(process.env.LAM_BENCH_STEP_DELAY ?? 0);
const STATUSES = ['CONTINUE', 'FINISH'];

const modelDir = defaultModelSpec().slice('onnx:'.length);
const settings = promptSettingsOf(modelDir);
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const round = (x, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

// --- decode ---------------------------------------------------------------------------------------
const { trajectories } = await readGeneratedDataset(join(repo, 'datasets/office'));
const prompts = [];
/** The first 200 held-out samples, for the offline accuracy of float32 against int8. */
const heldoutRows = [];
for (const t of trajectories) {
  if (t.split !== 'heldout' || t.verdict !== 'verified') continue;
  for (const row of stepSamples(t, 'heldout', { prompt: settings })) {
    if (row !== 'cut' && heldoutRows.length < 200) heldoutRows.push(row);
    if (row === 'cut' || prompts.length >= PROMPTS) continue;
    const functionNames = functionNamesFor(defaultActionRegistry, row.app);
    prompts.push({
      messages: row.messages.slice(0, -1),
      maxTokens: 320,
      constraint: stepConstraint({
        controls: row.controls,
        style: settings.style,
        functionNames,
        statuses: STATUSES,
        functionArgs: argumentSchemas(defaultActionRegistry, [...functionNames, '']),
        request: row.request,
        document: row.document,
        previous: row.previous,
        registry: defaultActionRegistry,
      }),
    });
  }
}

const before = await loadOnnxModel(modelDir, { draftTokens: 0, prefixCache: 0 });
const ours = await loadOnnxModel(
  modelDir,
  process.env.LAM_BENCH_DRAFT_TOKENS ? { draftTokens: Number(process.env.LAM_BENCH_DRAFT_TOKENS) } : {},
);
// The int8 variant, made as `lam train` makes it at export (onnxruntime's dynamic quantisation), in a
// copy of the model folder: the same engine runs it, with the same drafts and cache.
const python = process.env.LAM_TRAINING_PYTHON ?? join(repo, 'training/.venv/bin/python');
const int8Dir = mkdtempSync(join(tmpdir(), 'lam-bench-int8-'));
cpSync(modelDir, int8Dir, { recursive: true });
const quantized = spawnSync(python, ['-m', 'lam_training', 'quantize', int8Dir], {
  encoding: 'utf8',
  env: { ...process.env, PYTHONPATH: join(repo, 'training/src') },
});
let int8;
if (quantized.status === 0) {
  renameSync(join(int8Dir, 'onnx/model_int8.onnx'), join(int8Dir, 'onnx/model.onnx'));
  int8 = await loadOnnxModel(int8Dir);
} else
  console.error(
    `no int8 variant (${python} -m lam_training quantize failed): ${quantized.stderr.slice(-300)}`,
  );
await before.generate(prompts[0]); // warm-up (token index, first session runs)
await ours.generate(prompts.at(-1));
await int8?.generate(prompts.at(-1));
const runs = { before: [], ours: [], int8: [] };
let same = 0;
for (const prompt of prompts) {
  const a = await before.generate(prompt);
  const b = await ours.generate(prompt);
  if (JSON.stringify(a.outputTokenIds) === JSON.stringify(b.outputTokenIds)) same++;
  const c = int8 ? await int8.generate(prompt) : undefined;
  for (const [name, r] of [['before', a], ['ours', b], ...(c ? [['int8', c]] : [])])
    runs[name].push({
      tokens: r.usage.outputTokens,
      input: r.usage.inputTokens,
      cached: r.usage.cachedInputTokens ?? 0,
      passes: r.timings.forwardPasses ?? r.usage.outputTokens,
      ttft: r.timings.timeToFirstTokenMs,
      total: r.timings.totalMs,
    });
}
const promptIds = prompts.map((p) => ours.encode(ours.renderPrompt(p.messages)));
await before.dispose();
await ours.dispose();
await int8?.dispose();

// Offline accuracy (Table 3, as lam train scores it) of float32 and int8 on the same held-out steps.
let accuracy = null;
if (int8) {
  const rowsFile = join(int8Dir, 'heldout.jsonl');
  writeFileSync(rowsFile, heldoutRows.map((r) => JSON.stringify(r)).join('\n'));
  const fp32 = await evaluateOffline(modelDir, rowsFile);
  const q8 = await evaluateOffline(int8Dir, rowsFile);
  const keys = ['objectAcc', 'operationAcc', 'statusAcc', 'ssr'];
  const pick = (r) => Object.fromEntries(keys.map((k) => [k, r[k]]));
  accuracy = {
    steps: fp32.steps,
    float32: pick(fp32),
    int8: pick(q8),
    pointsInt8MinusFloat32: Object.fromEntries(keys.map((k) => [k, round((q8[k] - fp32[k]) * 100, 1)])),
  };
  accuracy.withinOnePoint = Object.values(accuracy.pointsInt8MinusFloat32).every((d) => d >= -1);
}
rmSync(int8Dir, { recursive: true, force: true });

/** Decode speed: tokens after the first per second of time after the first token. */
const decodeRate = (rows) =>
  sum(rows.map((r) => r.tokens - 1)) / (sum(rows.map((r) => r.total - r.ttft)) / 1000);
const summary = (rows) => ({
  decodeTokensPerSecond: round(decodeRate(rows)),
  decisionTokensPerSecond: round(sum(rows.map((r) => r.tokens)) / (sum(rows.map((r) => r.total)) / 1000)),
  medianCallMs: round(
    quantile(
      rows.map((r) => r.total),
      0.5,
    ),
  ),
  medianFirstTokenMs: round(
    quantile(
      rows.map((r) => r.ttft),
      0.5,
    ),
  ),
  tokensPerForwardPass: round(sum(rows.map((r) => r.tokens)) / sum(rows.map((r) => r.passes)), 2),
  promptTokensFromCache: round(sum(rows.map((r) => r.cached)) / sum(rows.map((r) => r.input)), 3),
});

// The peer: transformers' generate() on the same ids, as many new tokens as ours wrote.
const work = mkdtempSync(join(tmpdir(), 'lam-bench-latency-'));
let peer = null;
try {
  const file = join(work, 'prompts.jsonl');
  writeFileSync(
    file,
    promptIds.map((ids, i) => JSON.stringify({ ids, new: runs.ours[i].tokens })).join('\n'),
  );
  const child = spawnSync(python, [join(repo, 'bench/peers/transformers_generate.py'), modelDir, file], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (child.status === 0) {
    const { engine, rows } = JSON.parse(child.stdout);
    peer = {
      engine,
      decodeTokensPerSecond: round(
        sum(rows.map((r) => r.new - 1)) / sum(rows.map((r) => r.totalSeconds - r.firstSeconds)),
      ),
      medianCallMs: round(
        quantile(
          rows.map((r) => r.totalSeconds * 1000),
          0.5,
        ),
      ),
      medianFirstTokenMs: round(
        quantile(
          rows.map((r) => r.firstSeconds * 1000),
          0.5,
        ),
      ),
    };
  } else {
    console.error(
      `the transformers peer did not run (${python}): ${child.stderr?.slice(-400) ?? child.error}`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

// --- online ---------------------------------------------------------------------------------------
const out = mkdtempSync(join(tmpdir(), 'lam-bench-latency-eval-'));
let online;
if (TASKS !== 0)
  try {
    const suite = JSON.parse(readFileSync(join(repo, 'apps/agent/suites/office/suite.json'), 'utf8'));
    const ids = suite.tasks.slice(0, TASKS ?? suite.tasks.length).map((t) => t.id);
    const evalRun = spawnSync(
      process.execPath,
      [
        join(repo, 'apps/agent/dist/cli.js'),
        ...['eval', 'office', '--out', out, '--tasks', ids.join(','), '--step-delay', String(STEP_DELAY_MS)],
      ],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 },
    );
    if (evalRun.status === null) throw new Error(`lam eval did not finish: ${evalRun.error}`);
    const steps = readFileSync(join(out, 'trajectories.jsonl'), 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line))
      .filter((r) => r.kind === 'step')
      .map((r) => r.step);
    const part = (key) => {
      const xs = steps.map((s) => s.timings[key]).filter((x) => x !== undefined);
      return { medianMs: round(quantile(xs, 0.5)), p95Ms: round(quantile(xs, 0.95)) };
    };
    const wall = steps.map((s) => s.timings.totalMs + (s.index > 1 ? STEP_DELAY_MS : 0));
    online = {
      tasks: ids.length,
      steps: steps.length,
      stepMs: { medianMs: round(quantile(wall, 0.5)), p95Ms: round(quantile(wall, 0.95)) },
      stepMsWithoutDelay: part('totalMs'),
      parts: Object.fromEntries(
        ['observeMs', 'renderMs', 'prefillMs', 'decodeMs', 'parseMs', 'resolveMs', 'executeMs'].map((k) => [
          k,
          part(k),
        ]),
      ),
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }

const o = summary(runs.ours);
const b = summary(runs.before);
const vsBefore = round(o.decodeTokensPerSecond / b.decodeTokensPerSecond, 2);
const vsPeer = peer ? round(o.decodeTokensPerSecond / peer.decodeTokensPerSecond, 2) : null;
const targets = {
  medianStep: online !== undefined && online.stepMs.medianMs < 500,
  p95Step: online !== undefined && online.stepMs.p95Ms < 1000,
  decodeVsBefore: vsBefore >= 3,
  decodeVsTransformers: vsPeer !== null && vsPeer >= 2,
  sameGreedyOutput: same === prompts.length,
};
report({
  name: 'step-latency',
  figures: {
    model: 'models/lam-small',
    prompts: prompts.length,
    sameGreedyOutput: `${same}/${prompts.length}`,
    ours: o,
    before: b,
    decodeVsBefore: vsBefore,
    ...(runs.int8.length > 0 ? { int8: { ...summary(runs.int8), accuracy } } : {}),
    online,
    targets,
    peakRssMiB: peakRssMiB(),
  },
  peer,
  ratio: vsPeer,
  target:
    'office suite in LibreOffice, the wait before each step counted: median step < 500 ms, p95 < 1000 ms; decode tokens/s >= 3x the engine with one token per pass and >= 2x transformers generate(); greedy output unchanged on every prompt',
  met: Object.values(targets).every(Boolean),
});
