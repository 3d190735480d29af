import { resolve } from 'node:path';
import { type GenerateSummary, mergeGenerated, runGenerate, SKILLS } from '@lam/dataflow';
import { LamError } from '@lam/schema';
import type { Command } from 'commander';
import { DATAFLOW_USAGE_ERROR } from './dataflow';

/** The options of `lam dataflow generate`, as the command line gives them (text). */
export interface GenerateFlags {
  count?: string | number;
  workers?: string | number;
  out?: string;
  seed?: string;
  shard?: string;
  skills?: string;
  taskTimeout?: string | number;
  negatives?: string | number;
  progress?: boolean;
}

const usage = (message: string) => new LamError(DATAFLOW_USAGE_ERROR, `lam dataflow generate: ${message}`);

function whole(flag: string, value: string | number | undefined, min: number, fallback?: number): number {
  if (value === undefined) {
    if (fallback !== undefined) return fallback;
    throw usage(`${flag} is required: give it as a whole number, ${min} or more.`);
  }
  const n = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(n) || n < min)
    throw usage(`${flag}: give a whole number, ${min} or more (got ${JSON.stringify(value)}).`);
  return n;
}

/** Checks the flags of `lam dataflow generate`; each error names its flag and what to give. */
export function parseGenerateFlags(flags: GenerateFlags) {
  const count = whole('--count', flags.count, 1);
  const workers = whole('--workers', flags.workers, 1, 1);
  if (workers > 16)
    throw usage(`--workers: give at most 16 (got ${workers}); each worker runs its own LibreOffice.`);
  if (flags.out === undefined || flags.out.trim() === '')
    throw usage('--out is required: give the output folder.');
  let shard: { index: number; of: number } | undefined;
  if (flags.shard !== undefined) {
    const m = /^\s*(\d+)\/(\d+)\s*$/.exec(flags.shard);
    if (!m || Number(m[2]) < 1 || Number(m[1]) >= Number(m[2]))
      throw usage(
        `--shard: give i/n with 0 <= i < n, e.g. --shard 0/4 (got ${JSON.stringify(flags.shard)}).`,
      );
    shard = { index: Number(m[1]), of: Number(m[2]) };
  }
  let skills: string[] | undefined;
  if (flags.skills !== undefined) {
    skills = flags.skills
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = skills.filter((s) => !SKILLS.some((k) => k.id === s));
    if (skills.length === 0 || unknown.length > 0)
      throw usage(
        `--skills: unknown skill ${unknown.map((s) => JSON.stringify(s)).join(', ') || '(none given)'}; the skills are ${SKILLS.map((s) => s.id).join(', ')}.`,
      );
  }
  if (flags.seed !== undefined && flags.seed.trim() === '') throw usage('--seed: give a text.');
  const taskTimeout = whole('--task-timeout', flags.taskTimeout, 10, 90);
  const negatives = flags.negatives === undefined ? 0.1 : Number(flags.negatives);
  if (
    !(typeof flags.negatives === 'number' || /^\s*\d*\.?\d+\s*$/.test(String(flags.negatives ?? '0'))) ||
    !(negatives >= 0 && negatives <= 1)
  )
    throw usage(`--negatives: give a share from 0 to 1 (got ${JSON.stringify(flags.negatives)}).`);
  return {
    count,
    workers,
    outDir: resolve(flags.out),
    seed: flags.seed?.trim() ?? '1',
    taskTimeoutMs: taskTimeout * 1000,
    negativeFraction: negatives,
    progress: flags.progress !== false,
    ...(shard ? { shard } : {}),
    ...(skills ? { skills } : {}),
  };
}

/** `lam dataflow generate`: the procedural task generator of `@lam/dataflow` (`runGenerate`). */
export async function dataflowGenerateCommand(
  flags: GenerateFlags,
  io: { log: (line: string) => void },
): Promise<GenerateSummary> {
  const o = parseGenerateFlags(flags);
  io.log(
    `lam dataflow generate: ${o.count} tasks, seed ${o.seed}${o.shard ? `, shard ${o.shard.index}/${o.shard.of}` : ''}, ${o.workers} worker${o.workers > 1 ? 's' : ''}`,
  );
  io.log(`output folder: ${o.outDir}`);
  const summary = await runGenerate({
    count: o.count,
    outDir: o.outDir,
    seed: o.seed,
    workers: o.workers,
    taskTimeoutMs: o.taskTimeoutMs,
    negativeFraction: o.negativeFraction,
    ...(o.shard ? { shard: o.shard } : {}),
    ...(o.skills ? { skills: o.skills } : {}),
    ...(o.progress ? {} : { onProgress: null }),
  });
  io.log(
    `generate: ${summary.ran} tasks run now (${summary.skipped} done before), ${summary.verified} verified, ${summary.failed} failed${
      Object.keys(summary.failures).length
        ? ` (${Object.entries(summary.failures)
            .map(([k, v]) => `${k} ${v}`)
            .join(', ')})`
        : ''
    }, ${summary.retries} retried, ${summary.seconds} s, ${summary.verifiedPerMinute} verified per minute`,
  );
  io.log(`trajectories: ${o.outDir}/trajectories.jsonl`);
  return summary;
}

/** Adds `generate` under `lam dataflow`. */
export function registerDataflowGenerateCommand(dataflow: Command): void {
  dataflow
    .command('generate')
    .description(
      'Generate Writer and Calc tasks from the skill catalogue, execute each in real LibreOffice, check it, and write verified and failed trajectories with train/test/heldout splits; resumable.',
    )
    .option('--count <n>', 'tasks in the seeded list (required)')
    .option('--workers <n>', 'parallel workers, each with its own LibreOffice (default 1)')
    .option('--out <dir>', 'the output folder; a rerun resumes from its files (required)')
    .option('--seed <text>', 'seed of the task list and the splits (default 1)')
    .option('--shard <i/n>', 'run only the tasks whose index modulo n is i (0-based)')
    .option('--skills <list>', 'skill ids separated by commas (default all)')
    .option(
      '--task-timeout <s>',
      'seconds before a task is stopped and retried in a fresh LibreOffice (default 90)',
    )
    .option(
      '--negatives <share>',
      'share of train and test tasks whose route is perturbed into a negative, 0 to 1 (default 0.1)',
    )
    .option('--no-progress', 'print no progress lines on stderr')
    .action(async (own: GenerateFlags, command: Command) => {
      // `lam dataflow` has --out, --seed and --no-progress of its own, and commander gives them to it
      // wherever they stand: take them from there when `generate` did not get them.
      const parent = (command.parent?.opts() ?? {}) as Record<string, unknown>;
      const out = own.out ?? (parent.out as string | undefined) ?? (parent.outDir as string | undefined);
      const seed = own.seed ?? (parent.seed as string | undefined);
      const flags: GenerateFlags = {
        ...own,
        ...(out === undefined ? {} : { out }),
        ...(seed === undefined ? {} : { seed }),
        progress: own.progress !== false && parent.progress !== false,
      };
      await dataflowGenerateCommand(flags, { log: (line) => console.log(line) });
    });
}

/** Adds `merge` under `lam dataflow`: joins the output folders of `generate` shards into one dataset. */
export function registerDataflowMergeCommand(dataflow: Command): void {
  dataflow
    .command('merge')
    .description(
      'Join the output folders of lam dataflow generate shards into one dataset (deduplicated by content hash) with its card.json.',
    )
    .argument('<inputs...>', 'output folders of lam dataflow generate')
    .option('--into <dir>', 'the merged folder (required)')
    .action(async (inputs: string[], own: { into?: string }) => {
      if (own.into === undefined || own.into.trim() === '')
        throw usage('--into is required: give the merged folder.');
      const result = await mergeGenerated({ inputs, outDir: own.into });
      console.log(
        `merged ${inputs.length} folders into ${resolve(own.into)}: ${result.trajectories} trajectories (${result.duplicates} duplicates dropped), ${result.card.verified} verified, ${result.card.failed} failed`,
      );
    });
}
