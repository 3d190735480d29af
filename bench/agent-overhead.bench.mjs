// The agent's own cost per step (issue #10): all the time of a step of `runAgent` that is neither
// model generation nor waiting for the application — rendering the prompt, building the decoding
// constraint, parsing, resolving, the safety check and appending the step to the trajectory file.
// overhead = step wall time (from one recorded step to the next) − time inside model.generate −
// time inside the environment (observe, execute, screenshot), each measured by a wrapper here.
// 1. real LibreOffice Writer, the bundled bold-title task replayed (3 steps, several rounds);
// 2. an in-memory application with 300 controls and 60 steps, where the prompt and the control
//    list are large and the environment costs nothing, so the loop's own work stands alone.
// Target: under 50 ms per step (median), in both.
// Needs a build (pnpm bench builds) and, for part 1, the Debian packages of scripts/debian-packages.txt.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAgent } from '@lam/agent';
import { createDesktopEnvironment } from '@lam/grounding/desktop';
import { MemoryEnvironment } from '@lam/grounding/testing';
import { createModel } from '@lam/runtime';
import { report } from './report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const task = join(here, '..', 'examples', 'tasks', 'bold-title');
const TARGET_MS = 50;
const WRITER_ROUNDS = 5;
const MEMORY_STEPS = 60;
const MEMORY_CONTROLS = 300;

const round = (x) => Math.round(x * 10) / 10;
function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return {
    median: round(s[Math.floor(s.length / 2)]),
    p90: round(s[Math.min(s.length - 1, Math.floor(s.length * 0.9))]),
    max: round(s[s.length - 1]),
    n: s.length,
  };
}

/** Wraps an environment and a model so that the time spent inside each is summed. */
function instrument(environment, model) {
  const spent = { env: 0, model: 0 };
  const timed = (key, fn) =>
    async function (...args) {
      const t = performance.now();
      try {
        return await fn.apply(this, args);
      } finally {
        spent[key] += performance.now() - t;
      }
    };
  const env = new Proxy(environment, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (['observe', 'execute', 'screenshot'].includes(prop) && typeof value === 'function')
        return timed('env', value.bind(target));
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const mdl = new Proxy(model, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop === 'generate') return timed('model', value.bind(target));
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { env, mdl, spent };
}

/** Runs the agent once and returns the overhead of each step in ms. */
async function overheads({ environment, outputs, request, app, maxSteps, trajectoryFile }) {
  const script = trajectoryFile.replace(/\.jsonl$/, '.script.jsonl');
  writeFileSync(script, `${outputs.map((o) => JSON.stringify(o)).join('\n')}\n`);
  const { env, mdl, spent } = instrument(environment, await createModel(`scripted:${script}`));
  const perStep = [];
  let last = performance.now();
  let lastSpent = { env: 0, model: 0 };
  const result = await runAgent({
    request,
    environment: env,
    model: mdl,
    trajectoryFile,
    ...(app ? { app } : {}),
    maxSteps,
    loopLimit: maxSteps + 1,
    onStep: () => {
      const t = performance.now();
      const env = spent.env - lastSpent.env;
      const model = spent.model - lastSpent.model;
      perStep.push({ wall: t - last, env, model, overhead: t - last - env - model });
      last = t;
      lastSpent = { ...spent };
    },
  });
  return { result, perStep };
}

const dir = mkdtempSync(join(tmpdir(), 'lam-bench-agent-'));
const figures = {};
try {
  // 1. Real Writer.
  const meta = JSON.parse(readFileSync(join(task, 'task.json'), 'utf8'));
  const outputs = readFileSync(join(task, meta.reference), 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
  const document = join(dir, meta.document);
  copyFileSync(join(task, meta.document), document);
  const writer = await createDesktopEnvironment({ app: 'writer', document, saveDir: dir });
  const writerSteps = [];
  try {
    // A first round warms the bus connection and LibreOffice's menus up; it is not counted.
    await overheads({
      environment: writer,
      outputs,
      request: meta.request,
      app: 'writer',
      maxSteps: 5,
      trajectoryFile: join(dir, 'warm.jsonl'),
    });
    for (let i = 0; i < WRITER_ROUNDS; i++) {
      const run = await overheads({
        environment: writer,
        outputs,
        request: meta.request,
        app: 'writer',
        maxSteps: 5,
        trajectoryFile: join(dir, `writer-${i}.jsonl`),
      });
      if (run.result.status !== 'finished')
        throw new Error(`writer round ${i}: ${run.result.status} ${run.result.reason ?? ''}`);
      writerSteps.push(...run.perStep);
    }
  } finally {
    await writer.close();
  }
  figures.writer = {
    overheadMs: stats(writerSteps.map((s) => s.overhead)),
    stepWallMs: stats(writerSteps.map((s) => s.wall)),
    environmentMs: stats(writerSteps.map((s) => s.env)),
    modelMs: stats(writerSteps.map((s) => s.model)),
  };

  // 2. A large in-memory application.
  const controls = Array.from({ length: MEMORY_CONTROLS }, (_, i) => ({
    name: `Control number ${i} with a longer accessible name`,
    type: ['Button', 'Edit', 'MenuItem', 'CheckBox', 'ListItem'][i % 5],
    rect: { x: (i % 20) * 60, y: Math.floor(i / 20) * 40, width: 50, height: 30 },
  }));
  const memory = new MemoryEnvironment({ controls });
  const observation = await memory.observe();
  const buttons = observation.controls.filter((c) => c.type === 'Button');
  const script = Array.from({ length: MEMORY_STEPS }, (_, i) => {
    const target = buttons[i % buttons.length];
    return JSON.stringify({
      thought: `Step ${i + 1}: press ${target.name}.`,
      control_label: target.label,
      control_name: target.name,
      function: 'click_input',
      args: { button: 'left', double: false },
      status: i === MEMORY_STEPS - 1 ? 'FINISH' : 'CONTINUE',
      plan: ['Go on pressing buttons'],
    });
  });
  const run = await overheads({
    environment: memory,
    outputs: script,
    request: 'Press every button in turn',
    maxSteps: MEMORY_STEPS,
    trajectoryFile: join(dir, 'memory.jsonl'),
  });
  if (run.result.status !== 'finished')
    throw new Error(`memory run: ${run.result.status} ${run.result.reason ?? ''}`);
  // The first steps warm up the JIT; count the steady state.
  const steady = run.perStep.slice(5);
  figures.memory300 = {
    overheadMs: stats(steady.map((s) => s.overhead)),
    stepWallMs: stats(steady.map((s) => s.wall)),
    environmentMs: stats(steady.map((s) => s.env)),
    controls: MEMORY_CONTROLS,
  };
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const worst = Math.max(figures.writer.overheadMs.median, figures.memory300.overheadMs.median);
report({
  name: 'agent-overhead',
  figures,
  target: `framework overhead per step (not model, not application) under ${TARGET_MS} ms, median`,
  met: worst < TARGET_MS,
  notes:
    'overhead = step wall time − time in model.generate − time in observe/execute/screenshot; resolution, safety and the trajectory append count as overhead.',
});
