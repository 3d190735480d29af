import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import {
  collectTrajectories,
  LamError,
  ObservationSummary,
  readJsonl,
  type Trajectory,
  TrajectoryLogRecord,
} from '@lam/schema';
import { z } from 'zod';
import { GeneratedTask, GenerateSplit } from './tasks';

/** A generated trajectory with its observations restored, its split and verdict. */
export type GeneratedTrajectory = Trajectory & {
  split: GenerateSplit;
  verdict: 'verified' | 'failed';
  failure?: string | undefined;
  skills: string[];
  phrasing: string;
  route: string;
  /** Set on a deliberate negative: how its route was changed (`wrong-control`, `missing-step`). */
  perturbation?: string | undefined;
};

export interface GeneratedDataset {
  trajectories: GeneratedTrajectory[];
  tasks: GeneratedTask[];
  /** Trajectories by verdict and split. */
  counts: { verified: number; failed: number; steps: number; splits: Record<string, number> };
}

const ObservationLine = z.strictObject({ hash: z.string(), observation: ObservationSummary });

/**
 * The records of `<dir>/<name>.jsonl`, or of `<dir>/<name>.jsonl.gz` (a committed, compressed dataset),
 * validated with `schema`; `undefined` when neither exists. A bad line throws, naming the file and line.
 */
async function* readDatasetFile<S extends z.ZodType>(
  dir: string,
  name: string,
  schema: S,
): AsyncGenerator<z.output<S>> {
  const plain = join(dir, `${name}.jsonl`);
  if (existsSync(plain)) {
    yield* readJsonl(plain, { schema, skipInvalid: true }) as AsyncIterable<z.output<S>>;
    return;
  }
  const packed = `${plain}.gz`;
  if (!existsSync(packed)) return;
  const lines = gunzipSync(readFileSync(packed)).toString('utf8').split('\n');
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    const parsed = schema.safeParse(JSON.parse(line));
    if (!parsed.success)
      throw new LamError(
        'LAM_DatasetError',
        `${packed}:${i + 1} is not a valid record (${parsed.error.issues[0]?.message}). The file is damaged: check it against the dataset's SHA256SUMS, or restore it from the repository.`,
      );
    yield parsed.data;
  }
}

const hasFile = (dir: string, name: string) =>
  existsSync(join(dir, `${name}.jsonl`)) || existsSync(join(dir, `${name}.jsonl.gz`));

/**
 * Reads a `lam dataflow generate` folder: every complete trajectory of `trajectories.jsonl` as a
 * schema `Trajectory` whose steps hold their full observations again (controls and document text,
 * from `observations.jsonl` by `step.metadata.observation`), with its split, verdict and failure.
 */
export async function readGeneratedDataset(dir: string): Promise<GeneratedDataset> {
  if (!hasFile(dir, 'trajectories'))
    throw new LamError(
      'LAM_DatasetError',
      `${join(dir, 'trajectories.jsonl')} (or .jsonl.gz) does not exist: run \`lam dataflow generate --out ${dir}\` first.`,
    );
  const observations = new Map<string, ObservationSummary>();
  for await (const line of readDatasetFile(dir, 'observations', ObservationLine))
    observations.set(line.hash, line.observation);
  const records: TrajectoryLogRecord[] = [];
  for await (const r of readDatasetFile(dir, 'trajectories', TrajectoryLogRecord)) records.push(r);
  const trajectories: GeneratedTrajectory[] = [];
  const counts = { verified: 0, failed: 0, steps: 0, splits: {} as Record<string, number> };
  for (const t of collectTrajectories(records)) {
    if (t.status === 'running') continue;
    const m = (t.metadata ?? {}) as Record<string, unknown>;
    const steps = t.steps.map((s) => {
      const hash = (s.metadata as Record<string, unknown> | undefined)?.observation;
      const full = typeof hash === 'string' ? observations.get(hash) : undefined;
      return full === undefined ? s : { ...s, observation: full };
    });
    const verdict = m.verdict === 'verified' ? 'verified' : 'failed';
    const split = GenerateSplit.parse(m.split);
    counts[verdict]++;
    counts.steps += steps.length;
    counts.splits[split] = (counts.splits[split] ?? 0) + 1;
    trajectories.push({
      ...t,
      steps,
      split,
      verdict,
      ...(typeof m.failure === 'string' ? { failure: m.failure } : {}),
      skills: (m.skills as string[]) ?? [],
      phrasing: String(m.phrasing ?? ''),
      route: String(m.route ?? ''),
      ...(typeof m.perturbation === 'string' ? { perturbation: m.perturbation } : {}),
    });
  }
  const tasks: GeneratedTask[] = [];
  for await (const t of readDatasetFile(dir, 'tasks', GeneratedTask)) tasks.push(t);
  return { trajectories, tasks, counts };
}
