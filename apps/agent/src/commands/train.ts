import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import {
  buildPhase1Dataset,
  DEFAULT_HELP_DIR,
  readGeneratedDataset,
  runExtraction,
  taskPlanSample,
} from '@lam/dataflow';
import {
  decisionMetrics,
  escapeHtml,
  lexicalStepMatcher,
  lineChartSvg,
  type PlanningTask,
  planningMetrics,
  type ScoredTask,
} from '@lam/eval';
import { formatDecisionOutput, lamDecisionTemplate, messageText, safeParseDecision } from '@lam/prompts';
import { createModel } from '@lam/runtime';
import {
  type DecisionStatus,
  defaultActionRegistry,
  LamError,
  openJsonlWriter,
  readJsonl,
  type Trajectory,
  validate,
} from '@lam/schema';
import { z } from 'zod';
import { repositoryRoot } from '../run/repo';
import {
  argumentSchemas,
  functionNamesFor,
  type PreviousStep,
  PromptSettings,
  previousStepOf,
  promptSettingsOf,
  renderStepPrompt,
  stepConstraint,
} from '../run/step-prompt';

/** The statuses the project's LAM is trained on (the paper's). */
const STATUSES: readonly DecisionStatus[] = ['CONTINUE', 'FINISH'];

/** A `lam train` config file (JSON): the data, the prompt, the Python phases, the evaluation. */
export const TrainConfig = z.strictObject({
  /** The model's name, e.g. `lam-small`. */
  name: z.string().min(1),
  /** The prompt the model is trained on and given at run time (written to each LAM's `prompt.json`). */
  prompt: PromptSettings.default({ style: 'compact' }),
  data: z
    .strictObject({
      /** Generated datasets (`lam dataflow generate --out`), relative to the config file: phase 2's steps and phase 1's generated plans. */
      datasets: z.array(z.string()).default([]),
      /** The LibreOffice help for phase 1's task-plan pairs and help text; `false` for none. */
      help: z.union([z.string(), z.literal(false)]).default(DEFAULT_HELP_DIR),
      /** Read at most this many help pages (default all). */
      maxHelpFiles: z.int().positive().optional(),
      /** Train on at most this many phase-2 samples (default all): for smoke runs. */
      maxSamples: z.int().positive().optional(),
    })
    .default({ datasets: [], help: DEFAULT_HELP_DIR }),
  /** The Python side's config (training/src/lam_training/config.py): vocabulary, model size, phases. */
  training: z.record(z.string(), z.unknown()),
  evaluate: z
    .strictObject({
      /** The splits Table 3 is computed on. */
      splits: z.array(z.enum(['test', 'heldout'])).default(['test', 'heldout']),
      /** Score at most this many steps of each split (default all). */
      maxSteps: z.int().positive().optional(),
      /** Table 2 (planning) of LAM1 on at most this many phase-1 test tasks (default 200). */
      planningTasks: z.int().nonnegative().default(200),
    })
    .default({ splits: ['test', 'heldout'], planningTasks: 200 }),
});
export type TrainConfig = z.output<typeof TrainConfig>;

/** Options of {@link trainCommand}. */
export interface TrainCommandOptions {
  /** The config file. */
  config: string;
  /** The run folder: rendered data, checkpoints, exported LAMs, report (resumable). */
  out: string;
  /** The Python of training/'s virtual environment (default `LAM_TRAINING_PYTHON`, else training/.venv). */
  python?: string;
  /**
   * A launcher the Python phases run under, e.g. `accelerate launch --config_file training/accelerate/fsdp.yaml`
   * for several GPUs (its words are split on spaces; it is given `-m lam_training ...`). Default: the Python alone.
   */
  launcher?: string;
}

/** What a `lam train` run produced. */
export interface TrainCommandResult {
  out: string;
  /** The exported LAMs (`lam1`, `lam2`) and their folders. */
  models: Record<string, string>;
  /** Table 3 per LAM and split. */
  offline: Record<string, Record<string, OfflineResult>>;
  /** Table 2 of LAM1 on the phase-1 test tasks. */
  planning?: { tsr: number; stepPrecision: number; stepRecall: number; tasks: number };
  report: string;
}

/** Table 3 of one model on one split, with the time the decisions took. */
export interface OfflineResult {
  objectAcc: number;
  operationAcc: number;
  statusAcc: number;
  ssr: number;
  tsr: number;
  steps: number;
  tasks: number;
  parseFailures: number;
  msPerStep: number;
}

interface Io {
  log: (line: string) => void;
}

/** training/ of this repository: the Python project that trains (not in the npm package). */
export function trainingProjectDir(): string {
  const root = repositoryRoot();
  if (root !== undefined && existsSync(join(root, 'training', 'pyproject.toml')))
    return join(root, 'training');
  throw new LamError(
    'LAM_TrainingSetupError',
    'lam train needs the training/ Python project of the LAM toolkit repository, which is not beside this copy of lam. Run it from a clone of the repository (bash scripts/setup.sh installs training/.venv).',
  );
}

function readConfig(file: string): TrainConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new LamError(
      'LAM_ConfigError',
      `lam train: cannot read the config ${file} (${(cause as Error).message}); give the path of a JSON config such as training/configs/lam-small.json.`,
      { cause },
    );
  }
  return validate(TrainConfig, raw, { record: `lam train config ${file}` });
}

/**
 * A rendered sample: the chat, and what scoring it needs to rebuild the agent's constraint for the step
 * (the application, the request, the controls the prompt listed after the budget, the step before).
 */
type Row = {
  id: string;
  taskId: string;
  split: string;
  app?: string;
  request?: string;
  /** The document text the prompt showed, when its settings show one. */
  document?: string;
  previous?: PreviousStep;
  controls: { label: string; name: string }[];
  messages: { role: string; content: string }[];
};

/** Renders every training and evaluation sample of the config into `<out>/data` (phase 1, phase 2, parity prompts). */
export async function renderTrainingData(
  config: TrainConfig,
  configDir: string,
  dataDir: string,
  io: Io,
): Promise<Record<string, number>> {
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(join(dataDir, 'phase1'), { recursive: true });
  mkdirSync(join(dataDir, 'phase2'), { recursive: true });
  const counts: Record<string, number> = {};

  // Phase 1: the help's task-plan pairs (split by task), the generated tasks' plans (split as their dataset).
  const pairFiles: string[] = [];
  if (config.data.help !== false) {
    const pairs = join(dataDir, 'help-pairs.jsonl');
    const summary = await runExtraction({
      helpDir: resolve(configDir, config.data.help),
      out: pairs,
      onProgress: null,
      ...(config.data.maxHelpFiles ? { maxFiles: config.data.maxHelpFiles } : {}),
    });
    counts.helpPairs = summary.written;
    pairFiles.push(pairs);
  }
  const p1 = pairFiles.length
    ? await buildPhase1Dataset({ inputs: pairFiles, outDir: join(dataDir, 'phase1'), systemPrompt: null })
    : { train: 0, test: 0 };
  counts.phase1Train = p1.train;
  counts.phase1Test = p1.test;
  const corpus = openJsonlWriter(join(dataDir, 'corpus.jsonl'), { fsync: false });
  for (const file of pairFiles) {
    for await (const pair of readJsonl(file)) {
      const p = pair as { task: string; plan: string[] };
      corpus.append({ text: `${p.task}\n${p.plan.join('\n')}` });
    }
  }
  corpus.close();

  const phase1 = {
    train: openJsonlWriter(join(dataDir, 'phase1', 'train.jsonl'), { fsync: false }),
    test: openJsonlWriter(join(dataDir, 'phase1', 'test.jsonl'), { fsync: false }),
  };
  const phase2 = {
    train: openJsonlWriter(join(dataDir, 'phase2', 'train.jsonl'), { fsync: false }),
    test: openJsonlWriter(join(dataDir, 'phase2', 'test.jsonl'), { fsync: false }),
    heldout: openJsonlWriter(join(dataDir, 'phase2', 'heldout.jsonl'), { fsync: false }),
  };
  const parity = openJsonlWriter(join(dataDir, 'parity-prompts.jsonl'), { fsync: false });
  let parityCount = 0;
  counts.targetCutByBudget = 0;
  for (const dataset of config.data.datasets) {
    const { trajectories } = await readGeneratedDataset(resolve(configDir, dataset));
    for (const trajectory of trajectories) {
      // Only checked successes teach; deliberate negatives (perturbed routes) are for phase 4.
      if (trajectory.verdict !== 'verified' || trajectory.perturbation !== undefined) continue;
      const split = trajectory.split as 'train' | 'test' | 'heldout';
      const plan = trajectory.steps.map((s) => s.decision.thought).filter((t) => t !== '');
      // The held-out split reaches no training file: its plans are not phase-1 samples either.
      if (split !== 'heldout' && plan.length > 0) {
        const sample = taskPlanSample(
          {
            taskId: trajectory.taskId ?? trajectory.id,
            task: trajectory.request,
            plan,
            ...(trajectory.application ? { app: trajectory.application } : {}),
            source: 'other',
          },
          { systemPrompt: null },
        );
        phase1[split].append({ ...sample, split });
        const key = split === 'train' ? 'phase1Train' : 'phase1Test';
        counts[key] = (counts[key] ?? 0) + 1;
      }
      for (const row of stepSamples(trajectory, split, config)) {
        if (row === 'cut') {
          counts.targetCutByBudget++;
          continue;
        }
        if (
          split === 'train' &&
          config.data.maxSamples !== undefined &&
          (counts.phase2Train ?? 0) >= config.data.maxSamples
        )
          continue;
        phase2[split].append(row);
        const key = `phase2${split[0]!.toUpperCase()}${split.slice(1)}`;
        counts[key] = (counts[key] ?? 0) + 1;
        if (split === 'test' && parityCount < 20) {
          parity.append({ messages: row.messages.slice(0, -1) });
          parityCount++;
        }
      }
    }
  }
  for (const w of [...Object.values(phase1), ...Object.values(phase2), parity]) w.close();
  writeFileSync(join(dataDir, 'counts.json'), `${JSON.stringify(counts, null, 2)}\n`);
  io.log(
    `data: ${Object.entries(counts)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  return counts;
}

/**
 * The phase-2 samples of one trajectory: each step's prompt, rendered as the agent renders it (same
 * function, same options, the controls the step saw), and its decision as the answer. `'cut'` stands
 * for a step whose control the budget left out of the prompt (no sample: its answer would be unlisted).
 */
export function* stepSamples(
  trajectory: Trajectory,
  split: string,
  config: Pick<TrainConfig, 'prompt'>,
): Generator<Row | 'cut'> {
  for (let i = 0; i < trajectory.steps.length; i++) {
    const step = trajectory.steps[i]!;
    const controls = step.observation?.controls;
    if (controls === undefined) continue;
    const prompt = renderStepPrompt(
      {
        request: trajectory.request,
        controls,
        history: trajectory.steps.slice(0, i),
        document: step.observation?.canvasText,
      },
      { render: renderOptionsFor(trajectory.application), prompt: config.prompt },
    );
    const label = step.decision.controlLabel;
    if (label !== '' && !prompt.controls.some((c) => c.label === label)) {
      yield 'cut';
      continue;
    }
    yield {
      id: `${trajectory.id}#${step.index}`,
      taskId: trajectory.taskId ?? trajectory.id,
      split,
      ...(trajectory.application ? { app: trajectory.application } : {}),
      request: trajectory.request,
      ...(prompt.document === undefined ? {} : { document: prompt.document }),
      ...(i > 0 ? { previous: previousStepOf(trajectory.steps.slice(0, i))! } : {}),
      controls: prompt.controls.map((c) => ({ label: c.label, name: c.name })),
      messages: [
        ...prompt.messages.map((m) => ({ role: m.role, content: messageText(m) })),
        { role: 'assistant', content: formatDecisionOutput(step.decision, { style: config.prompt.style }) },
      ],
    };
  }
}

/** The render options the agent uses for an application (see runAgent): the default registry, the paper's statuses. */
export function renderOptionsFor(app: string | undefined) {
  return { registry: defaultActionRegistry, statuses: STATUSES, ...(app ? { app } : {}) };
}

function python(options: TrainCommandOptions, project: string): string {
  const file = options.python ?? process.env.LAM_TRAINING_PYTHON ?? join(project, '.venv', 'bin', 'python');
  if (!existsSync(file)) {
    throw new LamError(
      'LAM_TrainingSetupError',
      `lam train: the training Python ${file} does not exist. Run bash scripts/setup.sh (it installs training/.venv), or set LAM_TRAINING_PYTHON to a Python with training/requirements.txt installed.`,
    );
  }
  return file;
}

/** Runs the Python phases (resumable), showing their progress lines. */
function runPython(file: string, project: string, args: string[], io: Io, launcher?: string): Promise<void> {
  const words = launcher?.trim().split(/\s+/) ?? [];
  const [command, ...prefix] = words.length > 0 ? words : [file];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command!, [...prefix, '-m', 'lam_training', ...args], {
      cwd: project,
      env: {
        ...process.env,
        PATH: `${dirname(file)}:${process.env.PATH ?? ''}`,
        PYTHONPATH: join(project, 'src'),
        TOKENIZERS_PARALLELISM: 'false',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let tail = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      tail = (tail + chunk).slice(-4000);
      for (const line of chunk.split('\n')) {
        if (!line.startsWith('[lam-training]')) continue;
        const text = line.slice('[lam-training] '.length);
        if (text.startsWith('{')) {
          const r = JSON.parse(text) as { phase: string; step: number; maxSteps: number; loss?: number };
          if (r.loss !== undefined)
            io.log(`phase ${r.phase}: step ${r.step}/${r.maxSteps}, loss ${r.loss.toFixed(4)}`);
        } else io.log(text);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolvePromise();
      else
        reject(
          new LamError(
            'LAM_TrainingError',
            `lam train: the Python phases exited with code ${code}. Their last output:\n${tail.trim()}\nFix what it names and run the same command again: finished phases are kept and an interrupted one resumes from its last checkpoint.`,
          ),
        );
    });
  });
}

/**
 * Table 3 (PAPER.md §6.2) of an exported model on a rendered split: each step's prompt as the agent
 * renders it (teacher forcing: the recorded history), decoded greedily under the step's constraint, parsed and scored.
 */
export async function evaluateOffline(
  modelDir: string,
  samplesFile: string,
  options: { maxSteps?: number | undefined; constrained?: boolean } = {},
): Promise<OfflineResult> {
  const model = await createModel(`onnx:${modelDir}`);
  const { style } = promptSettingsOf(modelDir);
  const registry = defaultActionRegistry;
  const byTask = new Map<string, ScoredTask['steps'][number][]>();
  let parseFailures = 0;
  let steps = 0;
  let ms = 0;
  try {
    for await (const raw of readJsonl(samplesFile)) {
      if (options.maxSteps !== undefined && steps >= options.maxSteps) break;
      const row = raw as Row;
      const expected = JSON.parse(row.messages.at(-1)!.content) as Record<string, unknown>;
      const prompt = row.messages.slice(0, -1) as { role: 'system' | 'user'; content: string }[];
      const functionNames = functionNamesFor(registry, row.app);
      const started = performance.now();
      const result = await model.generate({
        messages: prompt,
        maxTokens: 320,
        ...(options.constrained === false
          ? {}
          : {
              constraint: stepConstraint({
                controls: row.controls,
                style,
                functionNames,
                statuses: STATUSES,
                functionArgs: argumentSchemas(registry, [...functionNames, '']),
                request: row.request,
                document: row.document,
                previous: row.previous,
                registry,
              }),
            }),
      });
      ms += performance.now() - started;
      steps++;
      const parsed = safeParseDecision(result.text, { registry, statuses: STATUSES, validateArgs: false });
      if (!parsed.success) parseFailures++;
      const predicted = parsed.success
        ? parsed.decision
        : {
            controlLabel: '',
            controlName: '',
            function: '<unparsed>',
            args: {},
            status: 'CONTINUE' as const,
          };
      const list = byTask.get(row.taskId) ?? [];
      list.push({
        expected: {
          controlLabel: String(expected.control_label ?? ''),
          controlName: String(expected.control_name ?? ''),
          function: String(expected.function ?? ''),
          args: (expected.args ?? {}) as Record<string, never>,
          status: expected.status as DecisionStatus,
        },
        predicted,
      });
      byTask.set(row.taskId, list);
    }
  } finally {
    await model.dispose();
  }
  const m = decisionMetrics([...byTask].map(([taskId, s]) => ({ taskId, steps: s })));
  return {
    objectAcc: m.objectAccuracy,
    operationAcc: m.operationAccuracy,
    statusAcc: m.statusAccuracy,
    ssr: m.stepSuccessRate,
    tsr: m.taskSuccessRate,
    steps: m.steps,
    tasks: m.tasks,
    parseFailures,
    msPerStep: steps === 0 ? 0 : ms / steps,
  };
}

/** Table 2 (PAPER.md §6.1) of an exported model on the phase-1 test split, with @lam/eval's lexical step matcher in place of the paper's GPT-4o judge. */
export async function evaluatePlanning(
  modelDir: string,
  samplesFile: string,
  options: { maxTasks?: number | undefined } = {},
): Promise<{ tsr: number; stepPrecision: number; stepRecall: number; tasks: number }> {
  const model = await createModel(`onnx:${modelDir}`);
  const tasks: PlanningTask[] = [];
  try {
    for await (const raw of readJsonl(samplesFile)) {
      if (options.maxTasks !== undefined && tasks.length >= options.maxTasks) break;
      const row = raw as Row;
      const prompt = row.messages.slice(0, -1) as { role: 'system' | 'user'; content: string }[];
      const result = await model.generate({ messages: prompt, maxTokens: 160 });
      tasks.push({
        taskId: row.id,
        task: prompt.at(-1)?.content ?? '',
        predictedPlan: result.text.split('\n').filter((l) => l.trim() !== ''),
        referencePlan: row.messages
          .at(-1)!
          .content.split('\n')
          .filter((l) => l.trim() !== ''),
      });
    }
  } finally {
    await model.dispose();
  }
  const m = await planningMetrics(tasks, { matcher: lexicalStepMatcher() });
  return { tsr: m.taskSuccessRate, stepPrecision: m.stepPrecision, stepRecall: m.stepRecall, tasks: m.tasks };
}

function readLossCurves(out: string): Record<string, { step: number; loss: number }[]> {
  const curves: Record<string, { step: number; loss: number }[]> = {};
  for (const phase of ['pretrain', '1', '2']) {
    const file = join(out, 'phases', phase, 'log.jsonl');
    if (!existsSync(file)) continue;
    curves[phase] = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as { step: number; loss?: number })
      .filter((r) => typeof r.loss === 'number')
      .map((r) => ({ step: r.step, loss: r.loss! }));
  }
  return curves;
}

const pct = (x: number) => `${(100 * x).toFixed(1)}`;

function reportHtml(
  config: TrainConfig,
  summary: Record<string, unknown>,
  counts: Record<string, number>,
  offline: TrainCommandResult['offline'],
  planning: TrainCommandResult['planning'],
  curves: ReturnType<typeof readLossCurves>,
): string {
  const rows = Object.entries(offline).flatMap(([lam, splits]) =>
    Object.entries(splits).map(
      ([split, r]) =>
        `<tr><td>${lam}</td><td>${split}</td><td>${pct(r.objectAcc)}</td><td>${pct(r.operationAcc)}</td><td>${pct(r.statusAcc)}</td><td>${pct(r.ssr)}</td><td>${pct(r.tsr)}</td><td>${r.steps}</td><td>${r.tasks}</td><td>${r.parseFailures}</td><td>${r.msPerStep.toFixed(0)}</td></tr>`,
    ),
  );
  const charts = Object.entries(curves)
    .filter(([, points]) => points.length > 1)
    .map(
      ([phase, points]) =>
        `<figure><figcaption>phase ${escapeHtml(phase)}: training loss by step</figcaption>${lineChartSvg({ points: points.map((p) => [p.step, p.loss]), xLabel: 'step', yLabel: 'loss' })}</figure>`,
    );
  return `<!doctype html><html><head><meta charset="utf-8"><title>lam train: ${escapeHtml(config.name)}</title>
<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:right}</style></head><body>
<h1>lam train: ${escapeHtml(config.name)}</h1>
<h2>Data</h2><pre>${escapeHtml(JSON.stringify(counts, null, 2))}</pre>
<h2>Table 2 (planning, LAM1, phase-1 test tasks, lexical step matcher)</h2>
${planning ? `<table><tr><th>TSR %</th><th>Step Precision %</th><th>Step Recall %</th><th>tasks</th></tr><tr><td>${pct(planning.tsr)}</td><td>${pct(planning.stepPrecision)}</td><td>${pct(planning.stepRecall)}</td><td>${planning.tasks}</td></tr></table>` : '<p>not measured (no phase-1 test tasks or no LAM1)</p>'}
<h2>Table 3 (offline, teacher forcing, constrained greedy decoding)</h2>
<table><tr><th>model</th><th>split</th><th>Object Acc %</th><th>Operation Acc %</th><th>Status Acc %</th><th>SSR %</th><th>TSR %</th><th>steps</th><th>tasks</th><th>unparsed</th><th>ms/step</th></tr>${rows.join('')}</table>
<h2>Loss</h2>${charts.join('')}
<h2>Phases</h2><pre>${escapeHtml(JSON.stringify(summary, null, 2))}</pre>
</body></html>`;
}

/**
 * `lam train <config>`: renders the samples with the agent's own prompt renderer, runs the Python
 * phases (tokenizer, phase 1, phase 2; each resumable), exports each LAM with its `prompt.json`,
 * scores Table 3 offline on the test and held-out steps, and writes `report.html` and `results.json`.
 */
export async function trainCommand(options: TrainCommandOptions, io: Io): Promise<TrainCommandResult> {
  const configFile = resolve(options.config);
  const config = readConfig(configFile);
  const project = trainingProjectDir();
  const py = python(options, project);
  const out = resolve(options.out);
  const dataDir = join(out, 'data');
  mkdirSync(out, { recursive: true });

  // 1. The samples, rendered once per config and template version (a change renders them again).
  const stamp = JSON.stringify({
    data: config.data,
    prompt: config.prompt,
    template: lamDecisionTemplate.version,
  });
  const stampFile = join(dataDir, 'rendered-from.json');
  let counts: Record<string, number>;
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
    counts = JSON.parse(readFileSync(join(dataDir, 'counts.json'), 'utf8')) as Record<string, number>;
    io.log(`data: kept from before (${join(dataDir, 'counts.json')})`);
  } else {
    io.log('rendering the training samples with the agent prompt renderer');
    counts = await renderTrainingData(config, dirname(configFile), dataDir, io);
    writeFileSync(stampFile, stamp);
  }

  // 2. The Python phases.
  const pyConfig = join(out, 'training.json');
  writeFileSync(pyConfig, `${JSON.stringify({ name: config.name, ...config.training }, null, 2)}\n`);
  await runPython(
    py,
    project,
    ['run', '--config', pyConfig, '--data', dataDir, '--out', out],
    io,
    options.launcher,
  );
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Record<string, unknown>;

  // 3. Each LAM carries its prompt settings; 4. Table 3.
  const models: Record<string, string> = {};
  const resultsFile = join(out, 'results.json');
  const previous = existsSync(resultsFile)
    ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as Pick<TrainCommandResult, 'offline' | 'planning'>)
    : undefined;
  const offline: TrainCommandResult['offline'] = previous?.offline ?? {};
  let planning = previous?.planning;
  const planningFile = join(dataDir, 'phase1', 'test.jsonl');
  for (const lam of ['lam1', 'lam2']) {
    const dir = join(out, lam);
    if (!existsSync(join(dir, 'onnx', 'model.onnx'))) continue;
    models[lam] = dir;
    writeFileSync(join(dir, 'prompt.json'), `${JSON.stringify(config.prompt, null, 2)}\n`);
    if (
      lam === 'lam1' &&
      planning === undefined &&
      config.evaluate.planningTasks > 0 &&
      existsSync(planningFile) &&
      readFileSync(planningFile).length > 0
    ) {
      io.log('lam1: Table 2 (planning) on the phase-1 test tasks');
      planning = await evaluatePlanning(dir, planningFile, { maxTasks: config.evaluate.planningTasks });
      io.log(
        `lam1 planning: TSR ${pct(planning.tsr)}%, step precision ${pct(planning.stepPrecision)}%, step recall ${pct(planning.stepRecall)}% (${planning.tasks} tasks)`,
      );
    }
    for (const split of config.evaluate.splits) {
      const file = join(dataDir, 'phase2', `${split}.jsonl`);
      if (offline[lam]?.[split] !== undefined || !existsSync(file) || readFileSync(file).length === 0)
        continue;
      io.log(`${lam}: Table 3 on the ${split} steps`);
      const result = await evaluateOffline(dir, file, { maxSteps: config.evaluate.maxSteps });
      offline[lam] = { ...offline[lam], [split]: result };
      writeFileSync(
        resultsFile,
        `${JSON.stringify({ name: config.name, counts, planning, offline }, null, 2)}\n`,
      );
      io.log(
        `${lam} ${split}: Object ${pct(result.objectAcc)}%, Operation ${pct(result.operationAcc)}%, Status ${pct(result.statusAcc)}%, SSR ${pct(result.ssr)}%, TSR ${pct(result.tsr)}% (${result.steps} steps, ${result.tasks} tasks)`,
      );
    }
  }
  writeFileSync(
    resultsFile,
    `${JSON.stringify({ name: config.name, counts, planning, offline }, null, 2)}\n`,
  );
  const report = join(out, 'report.html');
  writeFileSync(report, reportHtml(config, summary, counts, offline, planning, readLossCurves(out)));
  io.log(`report: ${report}`);
  return { out, models, offline, ...(planning ? { planning } : {}), report };
}
