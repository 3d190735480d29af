// Ships a model trained by `lam train` as the embedded default, models/lam-small/: the exported folder
// (graph compressed, with SHA256SUMS), its prompt settings, and a model card (model-card.json and
// README.md) whose figures come from the training run's results.json and from `lam eval` runs.
//
// Usage: node scripts/ship-model.mjs --run <lam train --out folder> [--lam lam2]
//          [--heldout <lam eval run folder>] [--office <lam eval run folder>] [--note <text>] [--online-command <how the eval runs were made>] [--force]
// It refuses to replace a shipped model whose offline held-out TSR is higher, unless --force.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const flag = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const fail = (message) => {
  console.error(`ship-model: ${message}`);
  process.exit(1);
};

const run = flag('--run');
if (!run) fail('give --run <the lam train --out folder>');
const lam = flag('--lam', 'lam2');
const source = join(resolve(run), lam);
if (!existsSync(join(source, 'onnx', 'model.onnx')))
  fail(`${source} has no onnx/model.onnx: run lam train to the end first`);
const results = JSON.parse(readFileSync(join(run, 'results.json'), 'utf8'));
const summary = JSON.parse(readFileSync(join(run, 'summary.json'), 'utf8'));
const training = JSON.parse(readFileSync(join(run, 'training.json'), 'utf8'));
const target = join(root, 'models', 'lam-small');

/** Table 4 figures of a `lam eval` run folder: task success rate and the median step latency. */
function online(folder) {
  if (!folder) return undefined;
  const lines = (file) =>
    readFileSync(join(folder, file), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l));
  const records = lines('results.jsonl');
  const latest = new Map(records.map((r) => [r.taskId, r]));
  const done = [...latest.values()];
  const stepMs = lines('trajectories.jsonl')
    .filter((r) => r.kind === 'step')
    .map((r) => r.step.timings?.totalMs)
    .filter((v) => typeof v === 'number')
    .sort((a, b) => a - b);
  const median = stepMs.length === 0 ? null : stepMs[Math.floor(stepMs.length / 2)];
  return {
    run: folder,
    tasks: done.length,
    succeeded: done.filter((r) => r.success).length,
    tsr: done.length === 0 ? 0 : done.filter((r) => r.success).length / done.length,
    medianStepMs: median,
    steps: stepMs.length,
  };
}

const offline = results.offline?.[lam] ?? {};
const heldout = offline.heldout;
const previousCard = join(target, 'model-card.json');
if (existsSync(previousCard) && !process.argv.includes('--force')) {
  const before = JSON.parse(readFileSync(previousCard, 'utf8'));
  const was = before.offline?.heldout?.tsr ?? -1;
  if ((heldout?.tsr ?? -1) < was)
    fail(
      `the shipped model has a higher offline held-out TSR (${was} > ${heldout?.tsr}); give --force to replace it anyway`,
    );
}

rmSync(target, { recursive: true, force: true });
mkdirSync(join(target, 'onnx'), { recursive: true });
for (const file of [
  'config.json',
  'generation_config.json',
  'tokenizer.json',
  'tokenizer_config.json',
  'special_tokens_map.json',
  'chat_template.jinja',
  'prompt.json',
]) {
  if (existsSync(join(source, file))) copyFileSync(join(source, file), join(target, file));
}
const graph = readFileSync(join(source, 'onnx', 'model.onnx'));
const packed = gzipSync(graph, { level: 9 });
writeFileSync(join(target, 'onnx', 'model.onnx.gz'), packed);
const sha = (bytes) => createHash('sha256').update(bytes).digest('hex');
writeFileSync(
  join(target, 'SHA256SUMS'),
  `${sha(graph)}  onnx/model.onnx\n${sha(packed)}  onnx/model.onnx.gz\n`,
);

const order = ['pretrain', '1', '2', '3', '4'];
const phases = Object.entries(summary.phases ?? {})
  .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
  .map(([name, p]) => ({
    name,
    samples: p.train_samples,
    steps: p.steps,
    firstLoss: p.first_loss,
    lastLoss: p.last_loss,
    evalLoss: p.eval_loss,
    minutes: Math.round(p.seconds / 6) / 10,
  }));
const params = Math.max(...Object.values(summary.phases ?? {}).map((p) => p.params ?? 0));
const heldoutOnline = online(flag('--heldout'));
const officeOnline = online(flag('--office'));
const card = {
  name: 'lam-small',
  trainedAs: results.name,
  exported: lam,
  params,
  architecture: training.model,
  vocabSize: training.vocab_size,
  prompt: JSON.parse(readFileSync(join(source, 'prompt.json'), 'utf8')),
  phases,
  data: results.counts,
  planning: results.planning ?? null,
  offline,
  online: { heldout: heldoutOnline ?? null, office: officeOnline ?? null },
  latency: { medianStepMs: officeOnline?.medianStepMs ?? heldoutOnline?.medianStepMs ?? null },
  sizeBytes: { onnx: graph.length, packed: packed.length },
  parity: JSON.parse(readFileSync(join(source, 'parity.json'), 'utf8')).maxAbsLogitDiff,
  commands: {
    train: `node apps/agent/dist/cli.js train training/configs/${results.name}.json --out ${run}`,
    online: flag(
      '--online-command',
      'bash scripts/main.sh (lam eval of this model on datasets/office/heldout-suite and on the office suite)',
    ),
    ship: 'node scripts/ship-model.mjs --run <train run> --heldout <eval run> --office <eval run>',
  },
};
writeFileSync(join(target, 'model-card.json'), `${JSON.stringify(card, null, 2)}\n`);

const num = (x) => (typeof x === 'number' ? x.toFixed(3) : 'n/a');
const pct = (x) => (x === undefined || x === null ? 'n/a' : `${(100 * x).toFixed(1)} %`);
const row = (split, model = lam) => {
  const r = results.offline?.[model]?.[split];
  return r
    ? `| ${model} | ${split} | ${pct(r.objectAcc)} | ${pct(r.operationAcc)} | ${pct(r.statusAcc)} | ${pct(r.ssr)} | ${pct(r.tsr)} | ${r.steps} | ${r.tasks} |`
    : `| ${model} | ${split} | not measured | | | | | | |`;
};
const onlineRow = (name, r) =>
  r
    ? `| ${name} | ${pct(r.tsr)} (${r.succeeded} of ${r.tasks}) | ${r.medianStepMs === null ? 'n/a' : `${Math.round(r.medianStepMs)} ms`} |`
    : `| ${name} | not measured | |`;
writeFileSync(
  join(target, 'README.md'),
  `# lam-small: the LAM toolkit's own Large Action Model

A ${(params / 1e6).toFixed(1)} M-parameter Llama decoder trained from scratch by \`lam train\` (training/configs/${results.name}.json)
through the phases ${phases.map((p) => p.name).join(', ')} (pretrain: language modelling on the help text; 1: task → plan; 2: state → action), exported to ONNX (float32, key-value cache) for
\`@lam/runtime\`. \`lam run\` and \`lam eval\` use it when no \`--model\` is given. Its prompt is the compact style of
\`@lam/prompts\`' decision template with a ${card.prompt.controlTokens ?? 'unlimited'}-token control budget${card.prompt.documentTokens ? ` and the document shown within ${card.prompt.documentTokens} tokens` : ''} (prompt.json); its answers
are the paper's seven-key decision JSON, decoded under the decision constraint. Every figure below is in
model-card.json and comes from the commands listed there.

## Data
${Object.entries(results.counts ?? {})
  .map(([k, v]) => `- ${k}: ${v}`)
  .join('\n')}

## Phases
| phase | samples | steps | loss first → last | eval loss | minutes (2 CPU cores) |
|---|---|---|---|---|---|
${phases.map((p) => `| ${p.name} | ${p.samples} | ${p.steps} | ${num(p.firstLoss)} → ${num(p.lastLoss)} | ${num(p.evalLoss)} | ${p.minutes} |`).join('\n')}

## Offline (Table 3: teacher forcing, constrained greedy decoding)
| model | split | Object Acc | Operation Acc | Status Acc | SSR | TSR | steps | tasks |
|---|---|---|---|---|---|---|---|---|
${['lam1', 'lam2'].flatMap((m) => [row('test', m), row('heldout', m)]).join('\n')}

The shipped model is ${lam}. LAM1 (phase 1 only) is scored for the paper's LAM1 → LAM2 comparison.
${results.planning ? `Table 2 (LAM1's plans on ${results.planning.tasks} phase-1 test tasks, lexical step matcher): TSR ${pct(results.planning.tsr)}, step precision ${pct(results.planning.stepPrecision)}, step recall ${pct(results.planning.stepRecall)}.` : ''}

## Online (real LibreOffice, \`lam eval\`, constrained decoding)
| suite | task success rate | median step latency |
|---|---|---|
${onlineRow('held-out suite', heldoutOnline)}
${onlineRow('bundled office suite', officeOnline)}

## Status
${
  (heldoutOnline?.tsr ?? 0) < 0.6
    ? `This version falls far short of the targets it is measured against (offline held-out Object Acc ≥ 85 %, Operation Acc ≥ 95 %,
Status Acc ≥ 95 %, TSR ≥ 75 %; online TSR ≥ 60 %; median step latency < 1 s). It was trained on ${results.counts?.phase2Train ?? '?'} phase-2 steps for
${phases.find((p) => p.name === '2')?.steps ?? '?'} optimiser steps. Its offline held-out TSR is not below that of the version it replaced (ship-model refuses a worse one).${flag('--note') ? `\n\n${flag('--note')}` : ''}`
    : 'It meets the online target of the held-out suite.'
}

## Limits
- Trained only on what the generated dataset covers (its skills and LibreOffice 7.4's controls); requests
  outside those skills are not expected to work.
${
  card.prompt.documentTokens
    ? `- Text only: it sees the control list and the document's text (Writer paragraphs, Calc's used range), not
  the screen; a document longer than its budget is cut, and what is cut cannot be acted on.`
    : `- Text only: it sees the control list, not the screen and not the document's text, so a request that
  describes its target ("the third paragraph", "the row for March") instead of quoting it cannot be served.`
}
- The offline figures are teacher-forced (the recorded history); the online figures are the real measure.
`,
);
console.log(`shipped ${source} as ${target} (${(packed.length / 1e6).toFixed(1)} MB packed)`);
