// The README's main job: the reference agent (`lam run`, `lam eval`) in real LibreOffice Writer and Calc.
// 1. `lam run` on one of the bundled suite's tasks with a small ONNX model the project generates (untrained:
//    its decisions are well-formed thanks to constrained decoding, not sensible), for up to three steps.
// 2. `lam eval office --model replay`: every task of the bundled office suite (Writer and Calc), each in a
//    fresh copy of its template in its own LibreOffice, replaying the task's recorded reference decisions
//    through the full loop (observe over AT-SPI, render the paper's decision prompt, parse, resolve the
//    control, check the safety policy, execute, record), then checking the document with the task's
//    deterministic checker. It writes results.jsonl, trajectories.jsonl and report.html, and prints the
//    paper's Table 4 metrics. These are recorded decisions, not a model: the run shows the harness, the
//    executor and the checkers at work.
// Usage: node examples/main.mjs [--out <dir>] [--tasks id,id] [--concurrency n]
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evalCommand, resolveSuiteFile, runCommand } from '@lam/agent';
import { createTestModel } from '@lam/runtime/testing';

const here = dirname(fileURLToPath(import.meta.url));
const flag = (name, fallback) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : fallback;
};
const out = resolve(flag('--out', join(here, '..', 'runs')));
const tasks = flag('--tasks', undefined);
const concurrency = flag('--concurrency', '2');
const io = { log: (line) => console.log(`  ${line}`) };

// The ONNX run works on the suite's first Writer task, on a copy of its template.
const suiteFile = resolveSuiteFile('office');
const suite = JSON.parse(readFileSync(suiteFile, 'utf8'));
const task = suite.tasks.find((t) => t.id === 'writer-bold-title');
console.log(
  `\n[1/2] ${task.id} with a project-made ONNX model (random weights, constrained decoding), 3 steps`,
);
const model = await createTestModel(join(out, 'models', 'tiny'), { maxPositions: 16384, merges: 2000 });
console.log(`  model: ${model.parameters.toLocaleString('en')} parameters in ${model.dir}`);
const onnx = await runCommand(
  {
    request: task.request,
    app: task.app,
    doc: resolve(dirname(suiteFile), task.start.file),
    model: `onnx:${model.dir}`,
    out,
    maxSteps: 3,
    confirm: 'no',
  },
  io,
);

console.log("\n[2/2] lam eval office: replay of every task's recorded reference decisions (not a model)");
const started = performance.now();
const evaluation = await evalCommand(
  {
    suite: 'office',
    model: 'replay',
    out: join(out, `eval-office-replay-${new Date().toISOString().replace(/[:.]/g, '-')}`),
    concurrency,
    ...(tasks ? { tasks } : {}),
  },
  io,
);
const minutes = ((performance.now() - started) / 60_000).toFixed(1);
const count = (app) => evaluation.results.filter((r) => r.taskId.startsWith(app)).length;

console.log(`\nonnx:   ${onnx.status}, ${onnx.steps.length} steps; trajectory ${onnx.trajectoryFile}`);
console.log(
  `replay: ${evaluation.passed} of ${evaluation.total} tasks passed their checkers (${count('writer')} Writer, ${count('calc')} Calc) in ${minutes} min`,
);
console.log(`        report: ${evaluation.report}`);
if (evaluation.failed > 0 || evaluation.interrupted) process.exitCode = 1;
