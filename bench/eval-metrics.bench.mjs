// Metrics over agent steps streamed from JSONL with @lam/eval.
// Target: 1,000,000 steps in under 3 s, and peak memory flat in input size.
// Two inputs, each at 100,000 and 1,000,000 steps, each read by a fresh Node process:
// - scored steps ({taskId, expected, predicted}, the OfflineStepEvalRecord shape) -> Table 3 (decisionMetricsFromJsonl);
// - a trajectory log (TrajectoryLogRecord lines, as the agent and the harness write) -> Table 4 (summarizeTrajectoryLog).
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decisionMetricsFromJsonl, summarizeTrajectoryLog } from '@lam/eval';
import { peakRssMiB, report } from './report.mjs';

const SIZES = [100_000, 1_000_000];
const TARGET_SECONDS = 3;
const HEAP_CAP_MIB = 64;
const SEMI_SPACE_MIB = 16;
const STEPS_PER_TASK = 6;

const decision = (i, label, name) => ({
  thought: `Step ${i}: click ${name} to format the selected text.`,
  controlLabel: label,
  controlName: name,
  function: 'click_input',
  args: { button: 'left', double: false },
  status: i % STEPS_PER_TASK === STEPS_PER_TASK - 1 ? 'FINISH' : 'CONTINUE',
  plan: ['Save the document'],
});

/** The compared fields of a decision (@lam/schema's StepPrediction). */
const prediction = (i, label, name) => {
  const { thought: _t, plan: _p, ...compared } = decision(i, label, name);
  return compared;
};

function scoredLine(i) {
  const expected = prediction(i, '12', 'Bold');
  const predicted = i % 7 === 0 ? prediction(i, '13', 'Italic') : i % 11 === 0 ? null : expected;
  return JSON.stringify({
    taskId: `word_${Math.floor(i / STEPS_PER_TASK)}`,
    stepIndex: (i % STEPS_PER_TASK) + 1,
    expected,
    predicted,
  });
}

const t0 = Date.UTC(2026, 0, 1);
function logLines(i) {
  const task = Math.floor(i / STEPS_PER_TASK);
  const k = i % STEPS_PER_TASK;
  const id = `word_${task}#1`;
  const lines = [];
  if (k === 0)
    lines.push(
      JSON.stringify({
        kind: 'trajectory-start',
        trajectoryId: id,
        taskId: `word_${task}`,
        request: 'Make the title bold',
        startedAt: new Date(t0 + task * 60_000).toISOString(),
      }),
    );
  lines.push(
    JSON.stringify({
      kind: 'step',
      trajectoryId: id,
      step: {
        index: k + 1,
        decision: decision(i, '12', 'Bold'),
        control: { label: '12', name: 'Bold', type: 'Button', matchedBy: 'label' },
        result: { ok: true, durationMs: 41.5 },
        timings: { modelMs: 812.3, envMs: 55.1, totalMs: 870.2 },
        usage: { inputTokens: 1450, outputTokens: 96 },
      },
    }),
  );
  if (k === STEPS_PER_TASK - 1)
    lines.push(
      JSON.stringify({
        kind: 'trajectory-end',
        trajectoryId: id,
        status: task % 4 === 0 ? 'failed' : 'finished',
        finishedAt: new Date(t0 + task * 60_000 + 30_000).toISOString(),
      }),
    );
  return lines.join('\n');
}

async function generate(file, count, line) {
  const out = createWriteStream(file);
  let chunk = '';
  for (let i = 0; i < count; i++) {
    chunk += `${line(i)}\n`;
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
      chunk = '';
    }
  }
  out.end(chunk);
  await new Promise((r) => out.on('finish', r));
}

async function measure(kind, file) {
  global.gc?.();
  const start = process.hrtime.bigint();
  let steps;
  let summary;
  if (kind === 'scored') {
    const m = await decisionMetricsFromJsonl(file);
    steps = m.steps;
    summary = { stepSuccessRate: m.stepSuccessRate, taskSuccessRate: m.taskSuccessRate, tasks: m.tasks };
  } else {
    const s = await summarizeTrajectoryLog(file, { validate: false });
    steps = s.steps;
    summary = {
      taskSuccessRate: s.online.taskSuccessRate,
      averageStepLatencySeconds: s.online.averageStepLatencySeconds,
      trajectories: s.trajectories,
    };
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { steps, seconds, peakRssMiB: peakRssMiB(), summary };
}

if (process.argv[2] === '--child') {
  process.stdout.write(JSON.stringify(await measure(process.argv[3], process.argv[4])));
} else {
  const dir = mkdtempSync(join(tmpdir(), 'lam-bench-eval-metrics-'));
  const self = fileURLToPath(import.meta.url);
  const figures = { scored: {}, trajectoryLog: {} };
  try {
    for (const [kind, key, line] of [
      ['scored', 'scored', scoredLine],
      ['log', 'trajectoryLog', logLines],
    ]) {
      for (const size of SIZES) {
        const file = join(dir, `${kind}-${size}.jsonl`);
        await generate(file, size, line);
        const read = (flags) => {
          const out = spawnSync(
            process.execPath,
            ['--expose-gc', `--max-old-space-size=${HEAP_CAP_MIB}`, ...flags, self, '--child', kind, file],
            { encoding: 'utf8' },
          );
          if (out.status !== 0) throw new Error(`child failed: ${out.stderr}`);
          return JSON.parse(out.stdout);
        };
        const runs = [read([]), read([])];
        // Memory: a third run with the young generation fixed at its largest size. Left to itself, V8
        // grows it with the run's length (cumulative survivors), whatever the input holds, so the
        // peak RSS of a short and a long run would differ by up to ~30 MiB with the live heap unchanged.
        const memory = read([
          `--min-semi-space-size=${SEMI_SPACE_MIB}`,
          `--max-semi-space-size=${SEMI_SPACE_MIB}`,
        ]);
        const best = runs.reduce((a, b) => (a.seconds <= b.seconds ? a : b));
        figures[key][size] = {
          fileMiB: Math.round((statSync(file).size / 2 ** 20) * 10) / 10,
          steps: best.steps,
          seconds: Math.round(best.seconds * 1000) / 1000,
          stepsPerSecond: Math.round(best.steps / best.seconds),
          peakRssMiB: memory.peakRssMiB,
          speedRunsPeakRssMiB: Math.max(...runs.map((x) => x.peakRssMiB)),
          result: best.summary,
        };
        rmSync(file);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const check = (f) => {
    const small = f[SIZES[0]];
    const big = f[SIZES[1]];
    const memoryGrowthMiB = Math.round((big.peakRssMiB - small.peakRssMiB) * 10) / 10;
    const fileGrowthMiB = Math.round((big.fileMiB - small.fileMiB) * 10) / 10;
    return {
      fast: big.seconds < TARGET_SECONDS,
      flat: memoryGrowthMiB < fileGrowthMiB / 10,
      memoryGrowthMiB,
      fileGrowthMiB,
    };
  };
  const scored = check(figures.scored);
  const log = check(figures.trajectoryLog);
  report({
    name: 'eval-metrics',
    figures: {
      ...figures,
      memoryGrowthMiB_100k_to_1M: { scored: scored.memoryGrowthMiB, trajectoryLog: log.memoryGrowthMiB },
      fileGrowthMiB_100k_to_1M: { scored: scored.fileGrowthMiB, trajectoryLog: log.fileGrowthMiB },
    },
    peer: null,
    ratio:
      Math.round(
        (TARGET_SECONDS /
          Math.max(figures.scored[1_000_000].seconds, figures.trajectoryLog[1_000_000].seconds)) *
          100,
      ) / 100,
    target: `metrics over ${SIZES[1].toLocaleString('en')} steps from JSONL in < ${TARGET_SECONDS} s; peak memory flat in input size`,
    met: scored.fast && scored.flat && log.fast && log.flat,
    notes:
      `Each size is read by fresh Node processes (--max-old-space-size=${HEAP_CAP_MIB}): best of 2 runs for speed; peakRssMiB from a 3rd run with the young generation fixed at ${SEMI_SPACE_MIB} MiB semi-spaces (V8 otherwise grows it with run length, not input size; speedRunsPeakRssMiB is the speed runs' highest). ` +
      'Lines are parsed but not validated against the zod schemas (validate: false, the metrics read only the fields they need); ' +
      `${STEPS_PER_TASK} steps per task; "flat" means peak RSS grows by less than a tenth of the extra file size.`,
  });
}
