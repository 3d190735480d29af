// The README's main job: the reference agent with the project's own trained model (models/lam-small, the
// default model of `lam run` and `lam eval`) on real tasks in real LibreOffice Writer and Calc.
// 1. `lam eval` on the generated dataset's held-out suite: tasks whose phrasings, skill combinations and
//    documents no training task used. Each task runs in a fresh copy of its start document in its own
//    LibreOffice; the model decides every step (constrained decoding), the agent executes it over AT-SPI,
//    and the task's deterministic checker reads the saved document.
// 2. `lam eval` on the bundled office suite (56 hand-written Writer and Calc tasks), the same way.
// Each writes results.jsonl, trajectories.jsonl and report.html and prints the paper's Table 4 metrics.
// With --replay it also replays the office suite's recorded reference decisions (a check of the harness,
// not a model).
// Usage: node examples/main.mjs [--out <dir>] [--suites heldout,office] [--tasks id,id] [--concurrency n] [--replay]
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evalCommand } from '@lam/agent';

const here = dirname(fileURLToPath(import.meta.url));
const flag = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const out = resolve(flag('--out', join(here, '..', 'runs')));
const tasks = flag('--tasks', undefined);
const concurrency = flag('--concurrency', '2');
const suites = flag('--suites', 'heldout,office').split(',');
const io = { log: (line) => console.log(`  ${line}`) };
const stamp = () => new Date().toISOString().replace(/[:.]/g, '-');
const heldout = join(here, '..', 'datasets', 'office', 'heldout-suite', 'suite.json');

const runs = [
  ...(suites.includes('heldout')
    ? [
        {
          title: "the generated dataset's held-out suite (tasks the model never saw)",
          suite: heldout,
          name: 'heldout',
        },
      ]
    : []),
  ...(suites.includes('office')
    ? [{ title: 'the bundled office suite (56 hand-written tasks)', suite: 'office', name: 'office' }]
    : []),
];
if (suites.includes('heldout') && !existsSync(heldout))
  throw new Error(`${heldout} is missing: the held-out suite ships with the dataset (datasets/office).`);

/** What the model did in the first tasks of a run: each step's action and the checker's verdict. */
function showSteps(evaluation, count) {
  const steps = new Map();
  for (const line of readFileSync(join(evaluation.out, 'trajectories.jsonl'), 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const record = JSON.parse(line);
    if (record.kind !== 'step') continue;
    const list = steps.get(record.trajectoryId) ?? [];
    list.push(record.step);
    steps.set(record.trajectoryId, list);
  }
  for (const result of evaluation.results.slice(0, count)) {
    console.log(`  ${result.success ? 'PASS' : 'FAIL'} ${result.taskId}: ${result.request}`);
    for (const step of steps.get(result.trajectoryId) ?? []) {
      const d = step.decision;
      const on = d.controlName ? ` on "${d.controlName}"` : '';
      const error = String(step.result?.error ?? '')
        .split('\n')[0]
        .slice(0, 120);
      const outcome = step.result ? (step.result.ok ? 'ok' : `error: ${error}`) : 'not run';
      const args = JSON.stringify(d.args);
      const shown = args.length > 80 ? `${args.slice(0, 79)}…` : args;
      console.log(
        `    ${step.index}. ${d.function || '(no action)'}(${shown})${on} -> ${outcome} [${d.status}]`,
      );
    }
  }
}

const summaries = [];
let failedRun = false;
for (const [i, run] of runs.entries()) {
  console.log(
    `\n[${i + 1}/${runs.length}] lam eval with the project's own model (models/lam-small) on ${run.title}`,
  );
  const started = performance.now();
  const evaluation = await evalCommand(
    {
      suite: run.suite,
      out: join(out, `eval-${run.name}-lam-small-${stamp()}`),
      concurrency,
      ...(tasks ? { tasks } : {}),
    },
    io,
  );
  if (evaluation.interrupted) failedRun = true;
  console.log('  what the model did in the first tasks:');
  showSteps(evaluation, 4);
  const minutes = ((performance.now() - started) / 60_000).toFixed(1);
  summaries.push(
    `${run.name}: ${evaluation.passed} of ${evaluation.total} tasks passed their checkers in ${minutes} min; report ${evaluation.report}`,
  );
}

if (process.argv.includes('--replay')) {
  console.log('\n[replay] lam eval office --model replay: the recorded reference decisions (not a model)');
  const evaluation = await evalCommand(
    { suite: 'office', model: 'replay', out: join(out, `eval-office-replay-${stamp()}`), concurrency },
    io,
  );
  if (evaluation.failed > 0 || evaluation.interrupted) failedRun = true;
  summaries.push(`replay: ${evaluation.passed} of ${evaluation.total} reference trajectories passed`);
}

console.log('');
for (const line of summaries) console.log(line);
if (failedRun) process.exitCode = 1;
