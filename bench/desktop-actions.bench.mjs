// Honest desktop actions (issue #25), measured on real LibreOffice:
// 1. every reference trajectory of the bundled office suite (`lam eval office --model replay`) and a
//    seeded run of the task generator's skills (`lam dataflow generate`): no step may say ok while its
//    effect check failed, and no step of these document-only tasks may be held back by the safety
//    policy; the dataset's 3,144 recorded steps are also judged again by today's policy (no LibreOffice);
// 2. the cost of the effect checks: `set_edit_text` into Calc's column-width field, interleaved with and
//    without the checks (`checkEffects: false`), median difference.
// Targets: 0 ok steps whose check failed; 0 document-edit steps not allowed by the policy; effect checks
// under 30 ms per step at the median.
// Needs a build (pnpm bench builds) and the Debian packages of scripts/debian-packages.txt; about 12 min.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { createSafetyPolicy, executeAction } from '@lam/grounding';
import { createDesktopEnvironment } from '@lam/grounding/desktop';
import { report } from './report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const cli = join(root, 'apps', 'agent', 'dist', 'cli.cjs');
const GENERATED = Number(process.env.LAM_BENCH_GENERATED ?? 30);
const ROUNDS = 10;
const TARGET_MS = 30;

const round = (x) => Math.round(x * 10) / 10;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return round(s[Math.floor(s.length / 2)]);
};
const jsonl = (file) =>
  (file.endsWith('.gz') ? gunzipSync(readFileSync(file)).toString('utf8') : readFileSync(file, 'utf8'))
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));

/** Steps of a trajectories file: what they reported, what their checks found, what the policy said. */
function tally(file) {
  const out = { steps: 0, ok: 0, okWithFailedCheck: 0, noEffect: 0, notAllowed: 0, notAllowedSteps: [] };
  for (const record of jsonl(file)) {
    if (record.kind !== 'step') continue;
    const { step } = record;
    out.steps++;
    if (step.result?.ok) out.ok++;
    if (step.result?.noEffect) out.noEffect++;
    if (step.result?.ok && step.result?.noEffect) out.okWithFailedCheck++;
    if (step.safety && step.safety.verdict !== 'allow') {
      out.notAllowed++;
      out.notAllowedSteps.push(
        `${step.decision.function} ${step.decision.controlName} (${step.safety.rule})`,
      );
    }
  }
  return out;
}

function lam(args) {
  const run = spawnSync(process.execPath, [cli, ...args], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (run.error) throw run.error;
  return run.status;
}

const figures = {};
const work = mkdtempSync(join(tmpdir(), 'lam-bench-actions-'));
try {
  // 1a. The dataset's recorded steps, judged again by today's default policy (no LibreOffice).
  const policy = createSafetyPolicy();
  const dataset = join(root, 'datasets', 'office', 'trajectories.jsonl.gz');
  const apps = new Map();
  let before = 0;
  let now = 0;
  for (const record of jsonl(dataset)) {
    if (record.kind === 'trajectory-start')
      apps.set(record.trajectoryId, record.application === 'calc' ? 'soffice-calc' : 'soffice-writer');
    if (record.kind !== 'step') continue;
    const { step } = record;
    if (step.safety && step.safety.verdict !== 'allow') before++;
    const verdict = policy.evaluate({
      function: step.decision.function,
      args: step.decision.args,
      control: step.control ?? null,
      application: apps.get(record.trajectoryId),
    });
    if (verdict.verdict !== 'allow') now++;
  }
  figures.dataset = { recordedNotAllowed: before, notAllowedNow: now };

  // 1b. The office suite's reference trajectories, replayed.
  const office = join(work, 'office');
  lam(['eval', 'office', '--model', 'replay', '--out', office]);
  const results = jsonl(join(office, 'results.jsonl'));
  figures.officeReplay = {
    tasks: results.length,
    passed: results.filter((r) => r.success).length,
    ...tally(join(office, 'trajectories.jsonl')),
  };

  // 1c. A seeded run of the generator's skills.
  const generated = join(work, 'generated');
  lam([
    'dataflow',
    'generate',
    '--count',
    String(GENERATED),
    '--negatives',
    '0',
    '--no-progress',
    '--out',
    generated,
  ]);
  const card = JSON.parse(readFileSync(join(generated, 'card.json'), 'utf8'));
  const { notAllowedSteps: genHeld, ...gen } = tally(join(generated, 'trajectories.jsonl'));
  figures.generator = {
    tasks: GENERATED,
    verified: card.verified,
    failed: card.failed,
    ...gen,
    notAllowedSteps: genHeld,
  };

  // 2. What the effect checks cost: the same typing with and without them, interleaved.
  copyFileSync(
    join(root, 'packages', 'grounding', 'src', 'desktop', '__fixtures__', 'sales.fods'),
    join(work, 'sales.fods'),
  );
  const timings = { on: [], off: [] };
  for (const checks of [true, false]) {
    const env = await createDesktopEnvironment({ document: join(work, 'sales.fods'), checkEffects: checks });
    try {
      await executeAction(env, { function: 'select_range', args: { range: 'B2' } });
      for (const name of ['Format', 'Columns', 'Width...']) {
        const obs = await env.observe({ canvas: false });
        const item = obs.controls.find((c) => c.name === name && c.type === 'MenuItem');
        await executeAction(env, { function: 'click_input', args: {} }, { control: item });
      }
      let field;
      for (let i = 0; i < 20 && field === undefined; i++) {
        await new Promise((r) => setTimeout(r, 250));
        field = (await env.observe({ canvas: false })).controls.find((c) => c.type === 'Spinner');
      }
      for (let i = 0; i < ROUNDS; i++) {
        const result = await executeAction(
          env,
          { function: 'set_edit_text', args: { text: `${2 + (i % 5)} cm` } },
          { control: field },
        );
        if (!result.ok) throw new Error(`set_edit_text failed: ${result.error}`);
        timings[checks ? 'on' : 'off'].push(result.durationMs);
      }
    } finally {
      await env.close();
    }
  }
  figures.setEditTextMs = {
    withChecks: median(timings.on),
    withoutChecks: median(timings.off),
    rounds: ROUNDS,
  };
  figures.effectCheckMs = round(median(timings.on) - median(timings.off));
} finally {
  rmSync(work, { recursive: true, force: true });
}

const targets = {
  okWithFailedCheck: {
    value: figures.officeReplay.okWithFailedCheck + figures.generator.okWithFailedCheck,
    target: 0,
  },
  documentEditsNotAllowed: {
    value: figures.officeReplay.notAllowed + figures.generator.notAllowed + figures.dataset.notAllowedNow,
    target: 0,
  },
  effectCheckMs: { value: figures.effectCheckMs, target: TARGET_MS },
};
for (const t of Object.values(targets)) t.met = t.target === 0 ? t.value === 0 : t.value < t.target;
figures.targets = targets;
report({
  name: 'desktop-actions',
  figures,
  target: `no ok step whose effect check failed and no document edit held back by the safety policy (office suite replay, ${GENERATED} generated tasks, the dataset's recorded steps); effect checks < ${TARGET_MS} ms per step (median)`,
  met: Object.values(targets).every((t) => t.met),
});
