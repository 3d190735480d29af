// The data pipeline's stages 3-5 (@lam/dataflow) on real LibreOffice Writer: tasks per minute through
// instantiation (template choice, plan read, rehearsal in LibreOffice) + execution (replay, screenshots,
// save) + evaluation (deterministic checks on the saved documents), and where the time goes.
// Tasks: the Writer task-plan pairs of the real LibreOffice help, extracted here (the first
// DATAFLOW_BENCH_TASKS pairs whose plan reads as replayable actions, default 12), or those of the help
// pages in packages/dataflow/src/__fixtures__/help-live when the help is not installed.
// Peer: the same tasks with a new LibreOffice started for every document instead of one LibreOffice
// reloading each task's document (WriterWorkbench restartPerDocument).
// Target: at least 4 tasks per minute with one LibreOffice reused, and reuse faster than restarting.
// Needs the Debian packages of scripts/debian-packages.txt and a build (pnpm turbo run build --filter=@lam/bench...).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_HELP_DIR,
  readPlan,
  runEvaluation,
  runExecution,
  runExtraction,
  runInstantiation,
  WriterWorkbench,
} from '@lam/dataflow';
import { report } from './report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const TASKS = Number(process.env.DATAFLOW_BENCH_TASKS ?? 12);
const TARGET_PER_MINUTE = 4;
const round = (x) => Math.round(x * 10) / 10;

const dir = mkdtempSync(join(tmpdir(), 'lam-bench-dataflow-'));
const helpDir = existsSync(join(DEFAULT_HELP_DIR, 'text', 'swriter'))
  ? DEFAULT_HELP_DIR
  : join(here, '..', 'packages', 'dataflow', 'src', '__fixtures__', 'help-live');

/** Runs instantiation + execution + evaluation on `pairsFile` in `out`, timing each stage. */
async function pipeline(pairsFile, out, workbenchOptions) {
  const workbench = new WriterWorkbench({ documentsDir: join(out, 'documents'), ...workbenchOptions });
  const seconds = {};
  const time = async (stage, fn) => {
    const started = performance.now();
    const value = await fn();
    seconds[stage] = (performance.now() - started) / 1000;
    return value;
  };
  try {
    const inst = await time('instantiate', () =>
      runInstantiation({
        inputs: [pairsFile],
        out: join(out, 'instantiation.jsonl'),
        documentsDir: join(out, 'documents'),
        workbench,
        onProgress: null,
        fsync: false,
      }),
    );
    const exec = await time('execute', () =>
      runExecution({
        inputs: [join(out, 'instantiation.jsonl')],
        out: join(out, 'execution.jsonl'),
        trajectories: join(out, 'trajectories.jsonl'),
        documentsDir: join(out, 'documents'),
        screenshotsDir: join(out, 'screenshots'),
        workbench,
        onProgress: null,
        fsync: false,
      }),
    );
    const evaluation = await time('evaluate', () =>
      runEvaluation({
        inputs: [join(out, 'execution.jsonl')],
        trajectories: join(out, 'trajectories.jsonl'),
        out: join(out, 'evaluation.jsonl'),
        onProgress: null,
        fsync: false,
      }),
    );
    const total = seconds.instantiate + seconds.execute + seconds.evaluate;
    return {
      tasks: inst.attempted,
      instantiated: inst.instantiated,
      filtered: inst.filtered,
      executed: exec.attempted,
      ranToEnd: exec.succeeded,
      passed: evaluation.yes,
      steps: exec.steps,
      tasksPerMinute: round((inst.attempted * 60) / total),
      executedPerMinute: round((exec.attempted * 60) / (seconds.execute + seconds.evaluate)),
      seconds: Object.fromEntries(Object.entries(seconds).map(([k, v]) => [k, round(v)])),
      execute: {
        openDocumentSeconds: round(exec.openSeconds),
        replaySeconds: round(exec.replaySeconds),
        meanStepMs: exec.steps > 0 ? Math.round((exec.replaySeconds * 1000) / exec.steps) : null,
      },
      libreoffice: { ...workbench.stats, openMs: Math.round(workbench.stats.openMs) },
      filterReasons: inst.reasons,
    };
  } finally {
    await workbench.close();
  }
}

let figures;
let peer;
try {
  const pairsFile = join(dir, 'pairs.jsonl');
  await runExtraction({ helpDir, out: pairsFile, onProgress: null, fsync: false });
  const writer = readFileSync(pairsFile, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((p) => p.app === 'writer' && !('ok' in readPlan(p.plan)))
    .slice(0, TASKS);
  const chosen = join(dir, 'chosen.jsonl');
  writeFileSync(chosen, `${writer.map((p) => JSON.stringify(p)).join('\n')}\n`);
  figures = { helpDir, ...(await pipeline(chosen, join(dir, 'reuse'), {})) };
  peer = await pipeline(chosen, join(dir, 'restart'), { restartPerDocument: true });
} finally {
  rmSync(dir, { recursive: true, force: true });
}

report({
  name: 'dataflow-throughput',
  figures,
  peer,
  ratio: round(figures.tasksPerMinute / peer.tasksPerMinute),
  target: `>= ${TARGET_PER_MINUTE} tasks/min through instantiation + execution + evaluation with one LibreOffice reused, and reuse faster than a new LibreOffice per document (ratio > 1)`,
  met: figures.tasksPerMinute >= TARGET_PER_MINUTE && figures.tasksPerMinute > peer.tasksPerMinute,
  notes:
    'tasks = Writer pairs of the real help whose plan reads as replayable actions (each is rehearsed live at instantiation); peer = the same tasks with restartPerDocument. Seconds per stage; execute.openDocumentSeconds is copying and reloading (or starting) per task.',
});
