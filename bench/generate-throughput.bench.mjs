// The procedural task generator of @lam/dataflow (`lam dataflow generate`) on real LibreOffice: verified
// trajectories per minute with 1 and with 2 workers (each worker its own Writer and Calc), the same
// seeded tasks each time (GENERATE_BENCH_TASKS, default 24), from an empty folder, wall time including
// LibreOffice starts. Target (issue 17): >= 20 verified per minute with 2 workers.
// Needs the Debian packages of scripts/debian-packages.txt and a build (pnpm turbo run build).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGenerate } from '@lam/dataflow';
import { report } from './report.mjs';

const TASKS = Number(process.env.GENERATE_BENCH_TASKS ?? 24);
const TARGET = 20;
const dir = mkdtempSync(join(tmpdir(), 'lam-bench-generate-'));

async function run(workers) {
  const summary = await runGenerate({
    count: TASKS,
    seed: 'bench',
    outDir: join(dir, `w${workers}`),
    workers,
    onProgress: null,
  });
  return {
    workers,
    tasks: summary.ran,
    verified: summary.verified,
    failed: summary.failed,
    failures: summary.failures,
    seconds: summary.seconds,
    verifiedPerMinute: summary.verifiedPerMinute,
    verifiedRate: Math.round((summary.verified / Math.max(1, summary.ran)) * 1000) / 1000,
  };
}

try {
  const one = await run(1);
  const two = await run(2);
  report({
    name: 'generate-throughput',
    figures: { twoWorkers: two, oneWorker: one },
    peer: null,
    ratio: Math.round((two.verifiedPerMinute / Math.max(0.1, one.verifiedPerMinute)) * 100) / 100,
    target: `>= ${TARGET} verified trajectories per minute with 2 workers`,
    met: two.verifiedPerMinute >= TARGET,
    notes: `${TASKS} seeded tasks (seed "bench", all skills) from an empty folder per run; wall time includes starting LibreOffice. ratio = 2 workers / 1 worker. The machine's cores bound the second worker.`,
  });
} finally {
  rmSync(dir, { recursive: true, force: true });
}
