// The README's main job: the reference agent (`lam run`) on a Writer task in real LibreOffice.
// 1. Replays the task's recorded reference decisions through the full loop (observe, prompt,
//    parse, resolve, safety, execute, record) and checks the saved document.
// 2. Runs the same task with a small ONNX model the project generates (untrained: it shows the
//    runtime and constrained decoding at work, not a skilled agent).
// Usage: node examples/main.mjs [--out <dir>]
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCommand } from '@lam/agent';
import { readTextDocument } from '@lam/grounding/desktop';
import { createTestModel } from '@lam/runtime/testing';

const here = dirname(fileURLToPath(import.meta.url));
const outFlag = process.argv.indexOf('--out');
const out = resolve(outFlag > 0 ? process.argv[outFlag + 1] : join(here, '..', 'runs'));
const taskDir = join(here, 'tasks', 'bold-title');
const task = JSON.parse(readFileSync(join(taskDir, 'task.json'), 'utf8'));
const io = { log: (line) => console.log(`  ${line}`) };

console.log(`\n[1/2] ${task.taskId}: replay of the reference trajectory (recorded decisions, not a model)`);
const replay = await runCommand(
  {
    request: task.request,
    app: task.app,
    doc: join(taskDir, task.document),
    model: `scripted:${join(taskDir, task.reference)}`,
    out,
    confirm: 'no',
    replay: true,
  },
  io,
);
const saved = await readTextDocument(replay.document.replace(/\.fodt$/, '.odt'));
const title = saved.paragraphs[0];
const titleBold = title.runs.length > 0 && title.runs.every((r) => r.bold);
console.log(`  check: the title "${title.text}" is ${titleBold ? 'bold: PASS' : 'not bold: FAIL'}`);

console.log('\n[2/2] the same task with a project-made ONNX model (random weights, constrained decoding)');
const model = await createTestModel(join(out, 'models', 'tiny'), { maxPositions: 16384, merges: 2000 });
console.log(`  model: ${model.parameters.toLocaleString('en')} parameters in ${model.dir}`);
const onnx = await runCommand(
  {
    request: task.request,
    app: task.app,
    doc: join(taskDir, task.document),
    model: `onnx:${model.dir}`,
    out,
    maxSteps: 3,
    confirm: 'no',
  },
  io,
);

console.log(`\nreplay: ${replay.status}, ${replay.steps.length} steps; trajectory ${replay.trajectoryFile}`);
console.log(`onnx:   ${onnx.status}, ${onnx.steps.length} steps; trajectory ${onnx.trajectoryFile}`);
if (replay.status !== 'finished' || !titleBold) process.exitCode = 1;
