import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  DATAFLOW_STAGES,
  type DataflowCommandOptions,
  type DataflowCommandResult,
  type DataflowStage,
  DEFAULT_HELP_DIR,
  dataflowPaths,
  runDataflowCommand,
} from '@lam/dataflow';
import { parseModelSpec } from '@lam/runtime';
import { LamError } from '@lam/schema';
import { type Command, Option } from 'commander';
import { z } from 'zod';
import { resolveConfig, type Settings } from '../config';
import { registerDataflowGenerateCommand, registerDataflowMergeCommand } from './dataflow-generate';

/** The error of a bad `lam dataflow` option: the command line prints it and exits 1, like the other commands. */
export const DATAFLOW_USAGE_ERROR = 'LAM_UsageError';

/** Errors that mean the command was given wrong options, not that the run failed. */
const USAGE_ERRORS = new Set([
  DATAFLOW_USAGE_ERROR,
  'LAM_DataflowStageError',
  'LAM_DataflowOptionError',
  'LAM_ModelSpecError',
]);

/** Whether an error thrown by {@link dataflowCommand} is about its options rather than the run. */
export function isDataflowUsageError(error: unknown): boolean {
  return LamError.isInstance(error) && USAGE_ERRORS.has(error.name);
}

const STAGES_HINT = `give --stages as stages separated by commas (${DATAFLOW_STAGES.join(', ')}) or all`;

const MODEL_HINT = (flag: string) =>
  `give ${flag} as onnx:<dir>, hf:<model id>, openai:<base url>#<model> or scripted:<file>`;

/** A number given as a number or as the text of a flag ("" and "12abc" are not numbers). */
function toNumber(value: string | number): number {
  if (typeof value === 'number') return value;
  return /^\s*[-+]?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?\s*$/i.test(value) ? Number(value) : Number.NaN;
}

function wholeNumber(flag: string, min: number, what: string) {
  const message = `give ${flag} as a whole number, ${min} or more (${what})`;
  return z
    .union([z.number(), z.string()], message)
    .transform(toNumber)
    .pipe(z.number(message).int(message).min(min, message));
}

function rangeNumber(flag: string, min: number, max: number, what: string) {
  const message = `give ${flag} as a number from ${min} to ${max} (${what})`;
  return z
    .union([z.number(), z.string()], message)
    .transform(toNumber)
    .pipe(z.number(message).min(min, message).max(max, message));
}

const path = (flag: string) => z.string(`give ${flag} a path`).trim().min(1, `give ${flag} a path`);

const isModelSpec = (spec: string) => {
  try {
    parseModelSpec(spec);
    return true;
  } catch {
    return false;
  }
};
const modelSpec = (flag: string) => z.string(MODEL_HINT(flag)).trim().refine(isModelSpec, MODEL_HINT(flag));

/**
 * The options of `lam dataflow`, validated before anything starts: one per field of `@lam/dataflow`'s
 * `DataflowCommandOptions` (its flag is the field in kebab case; `outDir` is `--out`). Numbers may be
 * given as the text of a flag.
 */
export const DataflowOptions = z.strictObject({
  /** The output folder: every stage reads and writes there, and a rerun resumes from its files. */
  outDir: path('--out'),
  /** Stages separated by commas (or a list), or `all` (the default). */
  stages: z
    .union([z.string(), z.array(z.string())], STAGES_HINT)
    .optional()
    .transform((v, ctx): readonly DataflowStage[] | 'all' => {
      const list = (v === undefined ? ['all'] : Array.isArray(v) ? v : v.split(','))
        .map((s) => s.trim().toLowerCase())
        .filter((s) => s !== '');
      if (list.length === 0) {
        ctx.addIssue({ code: 'custom', message: STAGES_HINT });
        return z.NEVER;
      }
      if (list.includes('all')) {
        if (list.length === 1) return 'all';
        ctx.addIssue({ code: 'custom', message: `all means every stage: give it alone. ${STAGES_HINT}` });
        return z.NEVER;
      }
      const unknown = list.filter((s) => !(DATAFLOW_STAGES as readonly string[]).includes(s));
      if (unknown.length > 0) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown stage${unknown.length > 1 ? 's' : ''} ${unknown.map((s) => JSON.stringify(s)).join(', ')}: the stages are ${DATAFLOW_STAGES.join(', ')} (separated by commas), or all`,
        });
        return z.NEVER;
      }
      return DATAFLOW_STAGES.filter((s) => list.includes(s));
    }),
  /** The help's language folder (default `/usr/share/libreoffice/help/en-US`). */
  helpDir: path('--help-dir').optional(),
  evolvePerPair: wholeNumber(
    '--evolve-per-pair',
    0,
    'evolved pairs per extracted pair; 0 for none',
  ).optional(),
  testFraction: rangeNumber('--test-fraction', 0, 1, 'the share of tasks in the test split').optional(),
  seed: z.string('give --seed a text').trim().min(1, 'give --seed a text').optional(),
  ufoTasks: path('--ufo-tasks').optional(),
  ufoResults: path('--ufo-results').optional(),
  templatesDir: path('--templates-dir').optional(),
  maxTasks: wholeNumber('--max-tasks', 0, 'new tasks to instantiate in this run').optional(),
  templatesPerTask: wholeNumber('--templates-per-task', 1, 'templates per text task').optional(),
  maxExecutions: wholeNumber('--max-executions', 0, 'new tasks to execute in this run').optional(),
  alternativesPerTask: wholeNumber(
    '--alternatives-per-task',
    0,
    'alternative attempts per passing task; 0 for none',
  ).optional(),
  threshold: rangeNumber('--threshold', 0, 100, 'the name similarity a control must reach').optional(),
  screenshots: z.boolean().optional(),
  /** A model for the instantiation; without one, the deterministic planner. */
  model: modelSpec('--model').optional(),
  /** A model for the LLM judge (default: `model`). */
  judgeModel: modelSpec('--judge-model').optional(),
  extraTrajectories: z
    .union([path('--extra-trajectories'), z.array(path('--extra-trajectories'))])
    .optional()
    .transform((v) => (v === undefined ? undefined : Array.isArray(v) ? v : [v])),
  documentsPerSession: wholeNumber(
    '--documents-per-session',
    1,
    'documents before LibreOffice is started anew',
  ).optional(),
  restartPerDocument: z.boolean().optional(),
  progress: z.boolean().optional(),
  fsync: z.boolean().optional(),
});
export type DataflowOptions = z.input<typeof DataflowOptions>;

/** Where the command writes its lines (progress goes to stderr, from `runDataflowCommand`). */
export interface DataflowCommandIo {
  log: (line: string) => void;
}

/** What `lam dataflow` did: `runDataflowCommand`'s result, and where it wrote. */
export interface LamDataflowResult extends DataflowCommandResult {
  /** The output folder, absolute. */
  outDir: string;
  /** The summary report: `summary.md` (and `summary.json` beside it). */
  summary: string;
  summaryJson: string;
}

const FLAGS: Record<string, string> = {
  outDir: '--out',
  screenshots: '--no-screenshots',
  progress: '--no-progress',
};
const flagOf = (key: string) => FLAGS[key] ?? `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

function usageError(message: string): LamError {
  return new LamError(DATAFLOW_USAGE_ERROR, `lam dataflow: ${message}`);
}

function parseOptions(input: DataflowOptions): z.output<typeof DataflowOptions> {
  const parsed = DataflowOptions.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const key = String(i.path[0] ?? '');
      if (i.code === 'unrecognized_keys') return `${i.keys.join(', ')}: not an option of lam dataflow`;
      const given = (input as Record<string, unknown>)[key];
      const shown =
        typeof given === 'string' || typeof given === 'number' ? ` (got ${JSON.stringify(given)})` : '';
      return `${flagOf(key)}: ${i.message}${shown}`;
    });
    throw usageError(`the options are not valid:\n  ${problems.join('\n  ')}`);
  }
  const options = parsed.data;
  const missing: string[] = [];
  const mustExist = (key: keyof typeof options, what: string) => {
    const value = options[key];
    for (const file of Array.isArray(value) ? value : typeof value === 'string' ? [value] : []) {
      if (!existsSync(file)) missing.push(`${flagOf(key)}: ${resolve(file)} does not exist (${what})`);
    }
  };
  mustExist('helpDir', `give the help's language folder, such as ${DEFAULT_HELP_DIR}`);
  mustExist('templatesDir', 'give a folder of description.json and .fodt templates');
  mustExist('ufoTasks', 'give a UFO task folder or file');
  mustExist('ufoResults', 'give a UFO results folder or file');
  mustExist('extraTrajectories', 'give trajectory JSONL files');
  if (missing.length > 0) throw usageError(`the options are not valid:\n  ${missing.join('\n  ')}`);
  return options;
}

/**
 * `lam dataflow`: checks the options (each error names its flag and what to give instead), then runs
 * `@lam/dataflow`'s pipeline (`runDataflowCommand`) into `outDir`: progress lines on stderr unless
 * `progress` is false, the counts of each stage, and at the end the path of the summary report it
 * wrote (`summary.md`, with `summary.json` beside it). Every stage resumes from the files in
 * `outDir`: the same command run again does not write a record twice.
 * @throws {LamError} `LAM_UsageError` (see {@link isDataflowUsageError}) for a bad option, and the
 *   pipeline's own errors (missing help, LibreOffice not installed, ...).
 */
export async function dataflowCommand(
  input: DataflowOptions,
  io: DataflowCommandIo,
): Promise<LamDataflowResult> {
  const options = parseOptions(input);
  const outDir = resolve(options.outDir);
  const run: DataflowCommandOptions = { ...options, outDir };
  io.log(
    `lam dataflow: ${options.stages === 'all' ? `all stages (${DATAFLOW_STAGES.join(', ')})` : options.stages.join(', ')}${options.model === undefined ? '' : ` with the model ${options.model}`}`,
  );
  io.log(`output folder: ${outDir}`);
  const result = await runDataflowCommand(run);
  const paths = dataflowPaths(outDir);
  if (result.extraction !== undefined) {
    const e = result.extraction;
    io.log(
      `extract: ${e.files} help files (${e.processed} read now, ${e.skipped} done before, skipped), ${e.written} pairs written now, ${e.total} in all`,
    );
  }
  if (result.imported?.tasks !== undefined)
    io.log(`UFO tasks: ${result.imported.tasks.imported} imported, ${result.imported.tasks.skipped} skipped`);
  if (result.imported?.records !== undefined)
    io.log(
      `UFO results: ${result.imported.records.imported} imported, ${result.imported.records.skipped} skipped`,
    );
  for (const line of result.text.split('\n')) if (!line.startsWith('summary: ')) io.log(line);
  io.log(`summary (JSON): ${paths.summaryJson}`);
  io.log(`summary: ${paths.summaryMarkdown}`);
  return { ...result, outDir, summary: paths.summaryMarkdown, summaryJson: paths.summaryJson };
}

/** The settings `lam dataflow` reads when no flag says: the `out` setting (its default folder). */
type SettingsOf = (flags: Record<string, string | boolean | undefined>) => Settings;

/**
 * Adds `lam dataflow` to the command line program. Without `--out` the output folder is
 * `<out setting>/dataflow` (`runs/dataflow` by default). The `model` setting (`LAM_MODEL`) is the
 * agent's model for `lam run` and `lam eval` and is not used here: without `--model` the
 * deterministic planner instantiates. A bad option exits 1 with a message naming the flag.
 */
export function registerDataflowCommand(
  program: Command,
  settings: SettingsOf = (f) => resolveConfig({ flags: { out: f.out } }).values,
): void {
  const number = (flag: string, what: string) => new Option(`${flag} <n>`, what);
  const dataflow = program.command('dataflow');
  registerDataflowGenerateCommand(dataflow);
  registerDataflowMergeCommand(dataflow);
  dataflow
    .description(
      "Collect training data from LibreOffice's help: task-plan extraction, evolution, the phase-1 set, instantiation and execution in Writer, evaluation, the phase 2-4 sets, UFO import/export; resumable, with a summary report.",
    )
    .option(
      '--out <dir>',
      'the output folder; a rerun resumes from its files (default <out setting>/dataflow)',
    )
    .addOption(new Option('--out-dir <dir>', 'the same as --out').hideHelp())
    .option(
      '--stages <list>',
      `stages to run, separated by commas, in pipeline order whatever the order given: ${DATAFLOW_STAGES.join(', ')}, or all (default all)`,
    )
    .option('--help-dir <dir>', `the help's language folder (default ${DEFAULT_HELP_DIR}); stage extract`)
    .addOption(
      number('--evolve-per-pair', 'evolved pairs per extracted pair, 0 for none (default 1); stage evolve'),
    )
    .addOption(number('--test-fraction', 'share of tasks in the test split, 0 to 1 (default 0.2)'))
    .option('--seed <text>', 'seed of the split by task (default lam)')
    .option('--ufo-tasks <path>', 'a UFO task folder or file to import as task-plan pairs')
    .option('--ufo-results <path>', 'a UFO results folder or file to import as execution inputs')
    .option(
      '--templates-dir <dir>',
      "template folder (default the package's Writer templates); stage instantiate",
    )
    .addOption(number('--max-tasks', 'instantiate at most this many new tasks in this run (default all)'))
    .addOption(number('--templates-per-task', 'templates a text task is instantiated on (default 1)'))
    .addOption(number('--max-executions', 'execute at most this many new tasks in this run (default all)'))
    .addOption(
      number(
        '--alternatives-per-task',
        'phase 4 negatives: attempts per passing task that click the closest other control at one step (default 1, 0 for none); stage explore',
      ),
    )
    .addOption(number('--threshold', 'name similarity 0 to 100 a control must reach (default 80)'))
    .option('--no-screenshots', 'keep no screenshots of executed steps')
    .option(
      '--model <spec>',
      'model for the instantiation: onnx:<dir>, hf:<model id>, openai:<base url>#<model>, scripted:<file> (default none: the deterministic planner; LAM_MODEL is not used)',
    )
    .option('--judge-model <spec>', 'model for the LLM judge (default --model; none: unsure without a check)')
    .option('--extra-trajectories <files...>', "phase 3: trajectory files of the model's own attempts")
    .addOption(
      number('--documents-per-session', 'start a fresh LibreOffice after this many documents (default 40)'),
    )
    .option('--restart-per-document', 'start LibreOffice anew for every document')
    .option('--no-progress', 'print no progress lines on stderr')
    .option('--fsync', 'fsync each record')
    .action(async (flags: Record<string, unknown>) => {
      const given = <T>(key: string): T | undefined => flags[key] as T | undefined;
      const out = given<string>('out');
      const outDir = given<string>('outDir');
      if (out !== undefined && outDir !== undefined && resolve(out) !== resolve(outDir))
        throw usageError(`--out and --out-dir name different folders (${out}, ${outDir}): give one.`);
      const input: DataflowOptions = {
        outDir: out ?? outDir ?? join(settings({}).out, 'dataflow'),
        progress: flags.progress !== false,
        screenshots: flags.screenshots !== false,
      };
      const keys = [
        'stages',
        'helpDir',
        'evolvePerPair',
        'testFraction',
        'seed',
        'ufoTasks',
        'ufoResults',
        'templatesDir',
        'maxTasks',
        'templatesPerTask',
        'maxExecutions',
        'alternativesPerTask',
        'threshold',
        'model',
        'judgeModel',
        'extraTrajectories',
        'documentsPerSession',
      ] as const;
      for (const key of keys) {
        const value = flags[key];
        if (value !== undefined) (input as Record<string, unknown>)[key] = value;
      }
      if (flags.restartPerDocument === true) input.restartPerDocument = true;
      if (flags.fsync === true) input.fsync = true;
      await dataflowCommand(input, { log: (line) => console.log(line) });
    });
}
