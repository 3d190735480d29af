import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type AgentRunner,
  buildReport,
  createProgressPrinter,
  type EnvironmentProvider,
  loadRun,
  loadTaskSuite,
  type OnlineMetrics,
  onlineMetrics,
  onlineRunFromResult,
  runSuite,
  type StateReader,
  type TaskSpec,
  type TaskSuite,
  toHtml,
} from '@lam/eval';
import type { ConfirmCallback, Environment } from '@lam/grounding';
import { createModel, type LanguageModel } from '@lam/runtime';
import { LamError, type ModelInfo, type OnlineEvalRecord } from '@lam/schema';
import type { Command } from 'commander';
import { z } from 'zod';
import { CONFIG_DEFAULTS, resolveConfig, type Settings } from '../config';
import { runAgent } from '../run/agent-loop';
import { DEFAULT_MODEL_NAME, defaultModelSpec, modelsDir, promptSettingsForSpec } from '../run/default-model';
import type { PromptSettings } from '../run/step-prompt';

/** The model spec that replays each task's own reference trajectory (recorded decisions, not a model). */
export const REPLAY = 'replay';

const MODEL_SPEC = /^(replay|(onnx|hf|openai|scripted):.+)$/;

/** The options of `lam eval`, validated before anything starts. */
export const EvalCommandOptions = z
  .strictObject({
    /** A bundled suite by name (`office`), or the path of a suite file (.json / .jsonl) or of its folder. */
    suite: z
      .string()
      .trim()
      .min(
        1,
        'give the suite: a bundled one by name (office), or the path of a suite .json file or its folder',
      ),
    /**
     * A model: `onnx:<dir>`, `hf:<model id>`, `openai:<base url>#<model>` (default: the project's own
     * model, `models/lam-small`); or `replay` (each task's reference trajectory, recorded decisions) or
     * `scripted:<folder>` (recorded decisions from `<folder>/<task id>.jsonl`).
     */
    model: z
      .string()
      .trim()
      .regex(
        MODEL_SPEC,
        "give replay (the tasks' reference trajectories), scripted:<folder of <task id>.jsonl files>, onnx:<dir>, hf:<model id> or openai:<base url>#<model>",
      )
      .optional(),
    /** The run folder (default `<runsDir>/eval-<suite>-<model>-<time>`). */
    out: z.string().trim().min(1, 'give --out a folder name').optional(),
    /** Where a run folder is made when `out` is not given (default `runs`; the `out` setting of lam's config). */
    runsDir: z.string().trim().min(1, 'give the runs folder a name').default('runs'),
    /** true: continue the run in `out`; false: refuse a folder that holds results; absent: continue if there is one. */
    resume: z.boolean().optional(),
    concurrency: z.coerce
      .number('give --concurrency as a whole number from 1 to 8')
      .int('give --concurrency as a whole number from 1 to 8')
      .min(1, 'give --concurrency as a whole number from 1 to 8 (1 runs one task at a time)')
      .max(8, 'give --concurrency as a whole number from 1 to 8 (each task runs its own LibreOffice)')
      .default(1),
    /** Only these task ids (a comma-separated string or a list). */
    tasks: z
      .union([z.string(), z.array(z.string())])
      .optional()
      .transform((v) =>
        v === undefined
          ? undefined
          : (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter((s) => s !== ''),
      )
      .refine((v) => v === undefined || v.length > 0, 'give --tasks as task ids separated by commas'),
    /** `yes` runs actions the safety policy wants confirmed; `no` (default: a benchmark runs unattended) refuses them. */
    confirm: z.enum(['yes', 'no']).default('no'),
    constrained: z.boolean().default(true),
    /**
     * Milliseconds to wait after each action before the next observation (UFO's SLEEP_TIME). Default 0:
     * the desktop actions wait for and check their own effect (decision 0503), and the office suite's
     * references pass with no wait; give one for an application that redraws late.
     */
    stepDelayMs: z.coerce
      .number('give --step-delay in milliseconds, from 0 to 10000')
      .int('give --step-delay in whole milliseconds')
      .min(0, 'give --step-delay in milliseconds, from 0 to 10000')
      .max(10_000, 'give --step-delay in milliseconds, from 0 to 10000')
      .default(0),
    /** Longest time one task may run, in seconds. */
    taskTimeoutS: z.coerce
      .number('give --task-timeout in seconds')
      .positive('give --task-timeout in seconds, more than 0')
      .default(300),
  })
  .superRefine((o, ctx) => {
    if (o.resume === true && o.out === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['resume'],
        message:
          'resuming continues a run in its folder: add --out <the folder of that run> (lam eval prints it when it starts)',
      });
    }
  });
export type EvalCommandOptions = z.input<typeof EvalCommandOptions>;

/** Where the command writes, and how it can be stopped. */
export interface EvalCommandIo {
  log: (line: string) => void;
  /** Stops the suite: the tasks in flight end `aborted` and run again on resume. */
  signal?: AbortSignal;
}

/** What `lam eval` did. */
export interface EvalCommandResult {
  suite: string;
  /** The suite file that was run. */
  suiteFile: string;
  /** The run folder: results.jsonl, trajectories.jsonl, report.html, documents/. */
  out: string;
  report: string;
  /** The name the run is shown under: the model, or `replay ...` for recorded decisions. */
  system: string;
  /** Whether the decisions were replayed from recordings rather than generated by a model. */
  replay: boolean;
  /** One result per selected task that has one, in suite order. */
  results: OnlineEvalRecord[];
  metrics: OnlineMetrics;
  total: number;
  passed: number;
  failed: number;
  /** Tasks run now, and tasks whose result came from the earlier, interrupted run. */
  ran: number;
  resumed: number;
  /** Whether the run was stopped before every task had a result. */
  interrupted: boolean;
}

const FLAGS: Record<string, string> = {
  suite: '<suite>',
  stepDelayMs: '--step-delay',
  taskTimeoutS: '--task-timeout',
  confirm: '--yes / --no-confirm',
  constrained: '--no-constrained',
};

function configError(message: string): LamError {
  return new LamError('LAM_ConfigError', `lam eval: ${message}`);
}

/** The folder of this package (holding `package.json` and `suites/`), from `src/commands` or `dist`. */
function packageRoot(): string {
  let dir = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'suites'))) return dir;
    dir = dirname(dir);
  }
  return dir;
}

/** The folder of the suites that ship with `@lam/agent` (`suites/<name>/suite.json`). */
export function bundledSuitesDir(): string {
  return join(packageRoot(), 'suites');
}

/** The names of the bundled suites. */
export function bundledSuites(): string[] {
  const dir = bundledSuitesDir();
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((name) => existsSync(join(dir, name, 'suite.json')));
}

/** A suite argument as a file: a bundled suite's name, a suite file, or a folder holding `suite.json`. */
export function resolveSuiteFile(suite: string): string {
  const path = resolve(suite);
  if (existsSync(path)) {
    if (!statSync(path).isDirectory()) return path;
    if (existsSync(join(path, 'suite.json'))) return join(path, 'suite.json');
    throw configError(`the folder ${path} holds no suite.json. Give the suite file itself.`);
  }
  if (/^[\w-]+$/.test(suite) && existsSync(join(bundledSuitesDir(), suite, 'suite.json'))) {
    return join(bundledSuitesDir(), suite, 'suite.json');
  }
  const names = bundledSuites();
  throw configError(
    `there is no suite ${JSON.stringify(suite)}. Give the path of a suite .json file (or its folder), or a bundled suite: ${names.join(', ') || '(none found)'}.`,
  );
}

/** The recorded decisions a replay uses for a task: its reference, or `<folder>/<task id>.jsonl`. */
function recordingOf(task: TaskSpec, suiteDir: string, folder: string | undefined): string | undefined {
  if (folder !== undefined) return join(folder, `${task.id}.jsonl`);
  const reference = task.metadata?.reference;
  if (typeof reference !== 'string' || reference === '') return undefined;
  return isAbsolute(reference) ? reference : resolve(suiteDir, reference);
}

function slug(text: string): string {
  return (
    text
      .replace(/[^\w.-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(-60) || 'model'
  );
}

function parseOptions(input: EvalCommandOptions): z.output<typeof EvalCommandOptions> {
  const parsed = EvalCommandOptions.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .map((i) => {
      const key = String(i.path[0] ?? '');
      return `${FLAGS[key] ?? `--${key}`}: ${i.message}`;
    })
    .join('\n  ');
  throw configError(`the options are not valid:\n  ${problems}`);
}

/** Picks the tasks to run and checks that each can run here: its app, its document, its recording. */
function selectTasks(
  suite: TaskSuite,
  suiteDir: string,
  wanted: string[] | undefined,
  recordings: { replay: boolean; folder?: string },
): TaskSpec[] {
  let tasks = suite.tasks;
  if (wanted !== undefined) {
    const known = new Set(tasks.map((t) => t.id));
    const unknown = wanted.filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw configError(
        `--tasks names ${unknown.map((id) => JSON.stringify(id)).join(', ')}, not in suite ${suite.name}. Its tasks: ${[...known].join(', ')}.`,
      );
    }
    const set = new Set(wanted);
    tasks = tasks.filter((t) => set.has(t.id));
  }
  if (tasks.length === 0) throw configError(`suite ${suite.name} has no tasks to run.`);
  const problems: string[] = [];
  for (const task of tasks) {
    if (task.app !== 'writer' && task.app !== 'calc') {
      problems.push(
        `task ${task.id}: app ${JSON.stringify(task.app ?? '(none)')}; lam eval runs writer and calc tasks`,
      );
      continue;
    }
    const file = task.start?.file;
    if (file === undefined) problems.push(`task ${task.id}: no start.file (the document to open)`);
    else if (!existsSync(file)) problems.push(`task ${task.id}: its document ${file} does not exist`);
    if (task.checker === undefined) problems.push(`task ${task.id}: no checker`);
    if (recordings.replay) {
      const recording = recordingOf(task, suiteDir, recordings.folder);
      if (recording === undefined)
        problems.push(`task ${task.id}: no metadata.reference (the recorded decisions to replay)`);
      else if (!existsSync(recording))
        problems.push(`task ${task.id}: its recording ${recording} does not exist`);
    }
  }
  if (problems.length > 0) {
    throw configError(
      `some tasks cannot run:\n  ${problems.join('\n  ')}\nFix the suite, or leave those tasks out with --tasks.`,
    );
  }
  return tasks;
}

type DesktopModule = typeof import('@lam/grounding/desktop');

/** How long the final state waits for LibreOffice to handle the last input before it is saved. */
const SETTLE_MS = 400;

/**
 * Opens each task in a fresh copy of its document (`<out>/documents/<task id>/`), in its own
 * LibreOffice. The checker reads the document as it is in the application when the run ends: the
 * state reader saves it once as flat ODF next to the copy and reads that (the agent need not save).
 */
function desktopEnvironments(
  out: string,
  desktop: DesktopModule,
  onRetry?: (taskId: string, error: Error) => void,
): EnvironmentProvider<Environment> {
  return async (task) => {
    const app = task.app as 'writer' | 'calc';
    const dir = join(out, 'documents', task.id.replace(/[^\w.-]+/g, '_'));
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const source = task.start!.file!;
    const document = join(dir, basename(source));
    copyFileSync(source, document);
    let environment: Awaited<ReturnType<DesktopModule['createDesktopEnvironment']>>;
    try {
      environment = await desktop.createDesktopEnvironment({
        app,
        document,
        saveDir: dir,
        startTimeoutMs: 30_000,
      });
    } catch (error) {
      // Now and then a fresh LibreOffice never opens the document on a loaded machine; one more
      // try (every process of the failed start is gone by now) saves the task from being lost.
      if (!desktop.LAM_DesktopStartError.isInstance(error)) throw error;
      onRetry?.(task.id, error);
      environment = await desktop.createDesktopEnvironment({ app, document, saveDir: dir });
    }
    let saved: Promise<string> | undefined;
    const finalDocument = () => {
      saved ??= (async () => {
        // Keys are sent faster than a loaded LibreOffice handles them, and a UNO call can overtake the
        // last ones (the Enter that commits a cell): give it time, and a round trip through its main
        // loop (an observation over AT-SPI), before saving.
        await new Promise((r) => setTimeout(r, SETTLE_MS));
        await environment.observe({ canvas: false }).catch(() => undefined);
        const o = await environment.execute({
          function: 'save_as',
          args: { file_dir: dir, file_name: 'final-state', file_ext: app === 'calc' ? '.fods' : '.fodt' },
        });
        return String(o.output);
      })();
      return saved;
    };
    const state: StateReader =
      app === 'writer'
        ? { textDocument: async () => desktop.readTextDocument(await finalDocument()) }
        : { spreadsheet: async () => desktop.readSpreadsheet(await finalDocument()) };
    return { environment, state, close: () => environment.close() };
  };
}

function checkResumable(out: string, resume: boolean | undefined): void {
  const results = join(out, 'results.jsonl');
  if (!existsSync(results) || statSync(results).size === 0) return;
  if (resume === false) {
    throw configError(
      `${out} already holds results of a run. Add --resume to finish that run, or give another --out.`,
    );
  }
}

/**
 * `lam eval`: runs a task suite through @lam/eval's harness with the agent loop as the runner, each
 * task in a fresh copy of its document in its own LibreOffice; prints progress; writes
 * `results.jsonl`, `trajectories.jsonl` and `report.html` into the run folder; and returns the
 * results with the paper's Table 4 metrics. `--model replay` replays each task's reference
 * trajectory (recorded decisions, labelled as such, never as a model). A run that was killed is
 * finished by running again on the same folder (`resume`), without repeating finished tasks.
 */
export async function evalCommand(input: EvalCommandOptions, io: EvalCommandIo): Promise<EvalCommandResult> {
  const parsedOptions = parseOptions(input);
  // The default model's folder is unpacked only when a model is loaded, after the options are checked.
  const defaultModel = parsedOptions.model === undefined;
  const options = {
    ...parsedOptions,
    model: parsedOptions.model ?? `onnx:${join(modelsDir(), DEFAULT_MODEL_NAME)}`,
  };
  const suiteFile = resolveSuiteFile(options.suite);
  const loaded = loadTaskSuite(suiteFile);
  const suiteDir = dirname(suiteFile);
  const replay = options.model === REPLAY || options.model.startsWith('scripted:');
  const folder = options.model.startsWith('scripted:')
    ? resolve(options.model.slice('scripted:'.length))
    : undefined;
  if (folder !== undefined && (!existsSync(folder) || !statSync(folder).isDirectory())) {
    throw configError(
      `--model scripted:<folder> replays <folder>/<task id>.jsonl for each task, and ${folder} is not a folder. Use --model replay for the tasks' own reference trajectories.`,
    );
  }
  const tasks = selectTasks(loaded, suiteDir, options.tasks, { replay, ...(folder ? { folder } : {}) });
  const suite: TaskSuite = { ...loaded, tasks };

  const out = resolve(
    options.out ??
      join(
        options.runsDir,
        `eval-${slug(loaded.name)}-${defaultModel ? DEFAULT_MODEL_NAME : slug(options.model)}-${new Date().toISOString().replace(/[:.]/g, '-')}`,
      ),
  );
  checkResumable(out, options.resume);
  const desktop = await import('@lam/grounding/desktop');

  let shared: LanguageModel | undefined;
  let prompt: Partial<PromptSettings> = {};
  let modelInfo: ModelInfo;
  let system: string;
  if (replay) {
    modelInfo = {
      id: folder ?? 'reference trajectories',
      engine: 'replay',
      parameters: { note: 'recorded decisions replayed through the agent loop; not a model' },
    };
    system = folder
      ? `replay of recorded decisions from ${folder} (not a model)`
      : 'replay of the recorded reference decisions (not a model)';
  } else {
    shared = await createModel(defaultModel ? defaultModelSpec() : options.model);
    prompt = promptSettingsForSpec(options.model);
    modelInfo = { id: shared.model, engine: shared.engine };
    system = `${shared.engine}:${shared.model}`;
  }
  try {
    const previous = await loadRun(out);
    const other = previous.results.find(
      (r) => r.model !== undefined && (r.model.id !== modelInfo.id || r.model.engine !== modelInfo.engine),
    );
    if (other !== undefined) {
      throw configError(
        `${out} holds a run of ${other.model!.engine}:${other.model!.id}, not ${modelInfo.engine}:${modelInfo.id}. Resume it with the same --model, or give another --out.`,
      );
    }
    mkdirSync(out, { recursive: true });

    const confirm: ConfirmCallback = async () => options.confirm === 'yes';
    const runner: AgentRunner<Environment> = async (context) => {
      const task = context.task;
      const model = replay
        ? await createModel(`scripted:${recordingOf(task, suiteDir, folder)}`, {
            scripted: { name: `${task.id} (recorded)` },
          })
        : shared!;
      try {
        const result = await runAgent({
          request: task.request,
          environment: context.environment,
          model,
          recordStep: (step) => context.recordStep(step),
          trajectoryId: context.trajectoryId,
          taskId: task.id,
          app: task.app!,
          maxSteps: task.maxSteps ?? 20,
          constrained: options.constrained,
          ...(replay ? {} : { prompt }),
          stepDelayMs: options.stepDelayMs,
          confirm,
          signal: context.signal,
        });
        return { status: result.status, ...(result.reason === undefined ? {} : { reason: result.reason }) };
      } finally {
        if (replay) await model.dispose();
      }
    };

    io.log(
      `lam eval: suite ${suite.name} (${suite.tasks.length} tasks) with ${replay ? system : `the model ${system}`}`,
    );
    io.log(`run folder: ${out}`);
    const printer = createProgressPrinter({
      stream: { write: (text: string) => io.log(text.replace(/\n$/, '')) },
    });
    const run = await runSuite({
      suite,
      runner,
      environments: desktopEnvironments(out, desktop, (id, error) =>
        io.log(`${id}: LibreOffice did not start (${error.message.split('\n')[0]}); trying once more`),
      ),
      outDir: out,
      concurrency: options.concurrency,
      ...(options.resume === undefined ? {} : { resume: options.resume }),
      taskTimeoutMs: options.taskTimeoutS * 1000,
      model: modelInfo,
      onProgress: printer,
      ...(io.signal ? { signal: io.signal } : {}),
    });

    const ids = new Set(suite.tasks.map((t) => t.id));
    const saved = await loadRun(out);
    const trajectories = saved.trajectories.filter((t) => t.taskId === undefined || ids.has(t.taskId));
    const built = buildReport({
      title: `lam eval: ${suite.name}${replay ? ' (replay of recorded decisions, not a model)' : ''}`,
      systems: [{ name: system, results: run.results, trajectories }],
    });
    const report = join(out, 'report.html');
    writeFileSync(report, toHtml(built, { baseDir: out, expand: 'failed' }));

    const metrics = onlineMetrics(run.results.map(onlineRunFromResult));
    const passed = run.results.filter((r) => r.success).length;
    const failed = run.results.length - passed;
    const interrupted = run.results.length < suite.tasks.length;
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    io.log('');
    io.log(
      `${suite.name}: ${passed} passed, ${failed} failed of ${suite.tasks.length} tasks (${run.ran} run now, ${run.resumed} from before)${replay ? ' [replay of recorded decisions, not a model]' : ''}`,
    );
    io.log(
      `Table 4 (online): task success rate ${pct(metrics.taskSuccessRate)}, completion time ${metrics.averageCompletionSeconds.toFixed(2)} s, completion steps ${metrics.averageSteps.toFixed(2)}, step latency ${metrics.averageStepLatencySeconds.toFixed(2)} s (model ${metrics.averageModelSeconds.toFixed(2)} s, environment ${metrics.averageEnvironmentSeconds.toFixed(2)} s per task)`,
    );
    for (const r of run.results.filter((x) => !x.success)) {
      const why = String(r.metadata?.reason ?? r.error ?? r.verdict);
      io.log(`  FAIL ${r.taskId}: ${why.split('\n')[0]}`);
    }
    if (interrupted) {
      io.log(
        `stopped before every task had a result; finish it with: lam eval ${options.suite} --model ${options.model} --out ${out} --resume`,
      );
    }
    io.log(`report: ${report}`);
    return {
      suite: suite.name,
      suiteFile,
      out,
      report,
      system,
      replay,
      results: run.results,
      metrics,
      total: suite.tasks.length,
      passed,
      failed,
      ran: run.ran,
      resumed: run.resumed,
      interrupted,
    };
  } finally {
    await shared?.dispose();
  }
}

/** Adds `lam eval` to the command line program. */
export function registerEvalCommand(
  program: Command,
  settings: (flags: Record<string, string | boolean | undefined>) => Settings = (f) =>
    resolveConfig({ flags: { model: f.model, out: f.out, concurrency: f.concurrency } }).values,
): void {
  program
    .command('eval')
    .description(
      'Run a task suite in LibreOffice and check each result: progress, results.jsonl, trajectories.jsonl, report.html, Table 4 metrics.',
    )
    .argument(
      '<suite>',
      `a bundled suite (${bundledSuites().join(', ') || 'office'}), or a suite .json file or its folder`,
    )
    .option(
      '--model <spec>',
      "onnx:<dir>, hf:<model id> or openai:<base url>#<model> (default: the project's own model, models/lam-small), or replay (each task's recorded reference decisions; not a model) or scripted:<folder>",
    )
    .option('--out <dir>', 'the run folder (default <out setting>/eval-<suite>-<model>-<time>)')
    .option('--resume', 'finish the run in --out: tasks with a result are not run again')
    .option('--no-resume', 'refuse an --out folder that already holds results')
    .option('--concurrency <n>', 'tasks at once, each in its own LibreOffice (default 1, or LAM_CONCURRENCY)')
    .option('--tasks <ids>', 'only these task ids, separated by commas')
    .option('--yes', 'run actions the safety policy wants confirmed')
    .option('--no-confirm', 'refuse actions the safety policy wants confirmed (the default)')
    .option('--no-constrained', 'do not constrain decoding to the decision schema (local models)')
    .option('--step-delay <ms>', 'wait after each action before observing again', '0')
    .option('--task-timeout <s>', 'longest time a task may run', '300')
    .action(async (suite: string, flags: Record<string, string | boolean | undefined>) => {
      const controller = new AbortController();
      const stop = () => controller.abort(new Error('interrupted (SIGINT)'));
      process.once('SIGINT', stop);
      try {
        const config = settings(flags);
        const result = await evalCommand(
          {
            suite,
            model: config.model ?? defaultModelSpec(),
            ...(flags.out === undefined ? {} : { out: flags.out as string }),
            ...(flags.out === undefined && config.out !== CONFIG_DEFAULTS.out ? { runsDir: config.out } : {}),
            ...(flags.resume === undefined ? {} : { resume: flags.resume as boolean }),
            concurrency: config.concurrency,
            ...(flags.tasks === undefined ? {} : { tasks: flags.tasks as string }),
            // A suite runs unattended: "ask" cannot be answered, so it refuses.
            confirm: config.confirm === 'yes' ? 'yes' : 'no',
            constrained: config.constrained,
            stepDelayMs: flags.stepDelay as string as unknown as number,
            taskTimeoutS: flags.taskTimeout as string as unknown as number,
          },
          { log: (line) => console.log(line), signal: controller.signal },
        );
        process.exitCode = result.interrupted || (result.replay && result.failed > 0) ? 1 : 0;
      } finally {
        process.off('SIGINT', stop);
      }
    });
}
