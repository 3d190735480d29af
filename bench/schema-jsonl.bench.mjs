// Parse and validate a JSONL file of agent steps with @lam/schema's streaming reader.
// Target: >= 50,000 steps/s at 100,000 steps, and peak memory flat in file size.
// Each size runs in a fresh Node process so that peak RSS figures do not mix.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readJsonl, Step } from '@lam/schema';
import { peakRssMiB, report } from './report.mjs';

const SIZES = [10_000, 50_000, 100_000];
const TARGET_STEPS_PER_S = 50_000;
const HEAP_CAP_MIB = 64;

/** A realistic step: 30-control observation summary, decision, safety, result, timings, usage. */
function makeStep(i) {
  return {
    index: (i % 30) + 1,
    startedAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    observation: {
      application: 'soffice-writer',
      windowTitle: 'report.odt - LibreOffice Writer',
      controlCount: 30,
      controls: Array.from({ length: 30 }, (_, k) => ({
        label: String(k + 1),
        name: `Control ${k + 1}`,
        type: k % 3 ? 'Button' : 'MenuItem',
      })),
    },
    decision: {
      thought: `Step ${i}: the Bold button applies bold to the selected title, so click it.`,
      controlLabel: '12',
      controlName: 'Bold',
      function: 'click_input',
      args: { button: 'left', double: false },
      status: i % 30 === 29 ? 'FINISH' : 'CONTINUE',
      plan: ['Select the title', 'Click Bold', 'Save the document'],
    },
    control: { label: '12', name: 'Bold', type: 'Button', matchedBy: 'label' },
    safety: { verdict: 'allow' },
    result: { ok: true, output: '', durationMs: 41.5 },
    timings: { modelMs: 812.3, envMs: 55.1, totalMs: 870.2 },
    usage: { inputTokens: 1450, outputTokens: 96 },
  };
}

function generate(file, count) {
  const lines = [];
  let chunk = '';
  for (let i = 0; i < count; i++) {
    chunk += `${JSON.stringify(makeStep(i))}\n`;
    if (chunk.length > 1 << 20) {
      lines.push(chunk);
      chunk = '';
    }
  }
  lines.push(chunk);
  writeFileSync(file, lines.join(''));
}

async function measure(file) {
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  const start = process.hrtime.bigint();
  const reader = readJsonl(file, { schema: Step });
  let n = 0;
  // batches(): the bulk-read path (one await per chunk); `for await (const step of reader)` works too.
  for await (const batch of reader.batches()) for (const { value } of batch) if (value.index > 0) n++;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { steps: n, seconds, rssBeforeMiB: Math.round(rssBefore / 2 ** 20), peakRssMiB: peakRssMiB() };
}

if (process.argv[2] === '--child') {
  // Child: read one file and print the figures.
  const figures = await measure(process.argv[3]);
  process.stdout.write(JSON.stringify(figures));
} else {
  const dir = mkdtempSync(join(tmpdir(), 'lam-bench-schema-jsonl-'));
  const self = fileURLToPath(import.meta.url);
  const figures = {};
  try {
    for (const size of SIZES) {
      const file = join(dir, `steps-${size}.jsonl`);
      generate(file, size);
      // Speed: best of three runs with Node's default heap. Memory: a fourth run with the old
      // space capped at 64 MiB, which a reader that held the file (22-215 MiB) would not survive;
      // its peak RSS is the memory figure. (The cap itself costs speed: more major collections.)
      const read = (args) => {
        const out = spawnSync(process.execPath, ['--expose-gc', ...args, self, '--child', file], {
          encoding: 'utf8',
        });
        if (out.status !== 0) throw new Error(`child failed: ${out.stderr}`);
        return JSON.parse(out.stdout);
      };
      const runs = [read([]), read([]), read([])];
      const capped = read([`--max-old-space-size=${HEAP_CAP_MIB}`]);
      const best = runs.reduce((a, b) => (a.seconds <= b.seconds ? a : b));
      figures[`${size}`] = {
        fileMiB: Math.round((statSync(file).size / 2 ** 20) * 10) / 10,
        steps: best.steps,
        seconds: Math.round(best.seconds * 1000) / 1000,
        stepsPerSecond: Math.round(best.steps / best.seconds),
        peakRssMiB: capped.peakRssMiB,
        cappedStepsPerSecond: Math.round(capped.steps / capped.seconds),
        rssAtStartMiB: best.rssBeforeMiB,
      };
      rmSync(file);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const big = figures['100000'];
  const small = figures['10000'];
  const memoryGrowthMiB = Math.round((big.peakRssMiB - small.peakRssMiB) * 10) / 10;
  const fileGrowthMiB = Math.round((big.fileMiB - small.fileMiB) * 10) / 10;
  const fast = big.stepsPerSecond >= TARGET_STEPS_PER_S;
  // Flat: reading a 10x larger file (+194 MiB) raises peak RSS by less than 10% of the extra file size.
  const flat = memoryGrowthMiB < fileGrowthMiB / 10;
  report({
    name: 'schema-jsonl',
    figures: {
      ...figures,
      memoryGrowthMiB_10k_to_100k: memoryGrowthMiB,
      fileGrowthMiB_10k_to_100k: fileGrowthMiB,
    },
    peer: null,
    ratio: Math.round((big.stepsPerSecond / TARGET_STEPS_PER_S) * 100) / 100,
    target: `>= ${TARGET_STEPS_PER_S} steps/s parsing+validating 100,000 steps; peak memory flat in file size`,
    met: fast && flat,
    notes:
      `Each size is read by fresh Node processes with readJsonl(file, { schema: Step }).batches(): speed is the best of 3 runs with the default heap; peakRssMiB comes from a 4th run with --max-old-space-size=${HEAP_CAP_MIB} (a reader holding the file could not finish it). ` +
      'A step carries a 30-control observation summary, decision, resolved control, safety verdict, result, timings and usage.',
  });
}
