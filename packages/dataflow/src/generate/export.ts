import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { LamError, TaskPlanPair, type TrajectoryLogRecord } from '@lam/schema';
import { SKILLS } from './catalogue';
import { readGeneratedDataset } from './dataset';
import { generatePaths } from './run';
import type { GeneratedTask } from './tasks';

/** The figures of a generated dataset (`card.json`). */
export interface GenerateCard {
  verified: number;
  failed: number;
  steps: number;
  skills: { writer: number; calc: number };
  /** Distinct phrasing templates used by the tasks run. */
  phrasings: number;
  splits: { train: number; test: number; heldout: number };
  /** The fewest verified trajectories of any skill of the catalogue. */
  minPerSkill: number;
  perSkill: Record<string, { verified: number; failed: number }>;
  perRoute: Record<string, { verified: number; failed: number }>;
  failures: Record<string, number>;
  /** Steps per trajectory → trajectories; request length in words (bins of 5) → trajectories. */
  stepHistogram: Record<string, number>;
  requestWordsHistogram: Record<string, number>;
  generatedAt: string;
}

const bump = (m: Record<string, number>, k: string, n = 1) => {
  m[k] = (m[k] ?? 0) + n;
};

/** Computes the card of a generation folder and writes it as `card.json`. */
export async function writeGenerateCard(outDir: string): Promise<GenerateCard> {
  const data = await readGeneratedDataset(outDir);
  const perSkill: GenerateCard['perSkill'] = Object.fromEntries(
    SKILLS.map((s) => [s.id, { verified: 0, failed: 0 }]),
  );
  const perRoute: GenerateCard['perRoute'] = {};
  const failures: Record<string, number> = {};
  const stepHistogram: Record<string, number> = {};
  const requestWordsHistogram: Record<string, number> = {};
  const phrasings = new Set<string>();
  const splits = { train: 0, test: 0, heldout: 0 };
  for (const t of data.trajectories) {
    splits[t.split]++;
    for (const p of t.phrasing.split('+')) phrasings.add(p.replace(/#.$/, ''));
    const routes = t.route.split('+');
    t.skills.forEach((skill, i) => {
      perSkill[skill] ??= { verified: 0, failed: 0 };
      perSkill[skill][t.verdict]++;
      const key = `${skill}:${routes[i] ?? ''}`;
      perRoute[key] ??= { verified: 0, failed: 0 };
      perRoute[key][t.verdict]++;
    });
    if (t.failure !== undefined) bump(failures, t.failure);
    bump(stepHistogram, String(t.steps.length));
    bump(requestWordsHistogram, `${Math.floor(t.request.split(/\s+/).length / 5) * 5}`);
  }
  const skillsOf = (app: string) =>
    SKILLS.filter((s) => s.app === app && (perSkill[s.id]?.verified ?? 0) > 0).length;
  const card: GenerateCard = {
    verified: data.counts.verified,
    failed: data.counts.failed,
    steps: data.counts.steps,
    skills: { writer: skillsOf('writer'), calc: skillsOf('calc') },
    phrasings: phrasings.size,
    splits,
    minPerSkill: Math.min(...Object.values(perSkill).map((s) => s.verified)),
    perSkill,
    perRoute,
    failures,
    stepHistogram,
    requestWordsHistogram,
    generatedAt: new Date().toISOString(),
  };
  writeFileSync(join(outDir, 'card.json'), `${JSON.stringify(card, null, 2)}\n`);
  return card;
}

/**
 * Exports the held-out split as a `lam eval` suite (`<dir>/suite.json`, `documents/`, `references/`):
 * each held-out task that verified, with its start document, its checker and its route as recorded
 * reference decisions (so `lam eval <dir>/suite.json --model replay` replays them).
 */
export async function exportHeldoutSuite(
  outDir: string,
  suiteDir = join(outDir, 'heldout-suite'),
): Promise<{ tasks: number; suite: string }> {
  const data = await readGeneratedDataset(outDir);
  const byId = new Map<string, GeneratedTask>(data.tasks.map((t) => [t.id, t]));
  mkdirSync(join(suiteDir, 'documents'), { recursive: true });
  mkdirSync(join(suiteDir, 'references'), { recursive: true });
  const tasks = [];
  for (const t of data.trajectories) {
    if (t.split !== 'heldout' || t.verdict !== 'verified' || t.taskId === undefined) continue;
    const task = byId.get(t.taskId);
    if (task === undefined) continue;
    const doc = task.document.replace(/^documents\//, '');
    copyFileSync(join(outDir, task.document), join(suiteDir, 'documents', doc));
    const lines = t.steps.map((s) =>
      JSON.stringify(
        JSON.stringify({
          thought: s.decision.thought,
          control_label: '',
          control_name: s.decision.controlName,
          function: s.decision.function,
          args: s.decision.args,
          status: s.decision.status,
          plan: s.decision.plan,
        }),
      ),
    );
    writeFileSync(join(suiteDir, 'references', `${task.id}.jsonl`), `${lines.join('\n')}\n`);
    tasks.push({
      id: task.id,
      request: task.request,
      app: task.app,
      start: { file: `documents/${doc}` },
      checker: task.checker,
      maxSteps: task.steps.length * 2 + 4,
      metadata: {
        reference: `references/${task.id}.jsonl`,
        skills: task.skills,
        route: task.route,
        phrasing: task.phrasing,
      },
    });
  }
  const suite = join(suiteDir, 'suite.json');
  writeFileSync(
    suite,
    `${JSON.stringify({ name: 'office-heldout', description: 'Held-out generated Writer and Calc tasks (phrasings, skill compositions and document kinds no train task uses), each verified in LibreOffice by its route.', tasks }, null, 2)}\n`,
  );
  return { tasks: tasks.length, suite };
}

/** Options of {@link mergeGenerated}. */
export interface MergeOptions {
  inputs: readonly string[];
  outDir: string;
}

/**
 * Joins generation folders (the shards of one run) into one: trajectories deduplicated by the content
 * hash of task, request and decisions, observations by their hash, tasks by id and documents copied;
 * writes the card. Returns what was kept and dropped.
 */
export async function mergeGenerated(
  options: MergeOptions,
): Promise<{ trajectories: number; duplicates: number; card: GenerateCard }> {
  const out = resolve(options.outDir);
  const paths = generatePaths(out);
  mkdirSync(paths.documents, { recursive: true });
  for (const input of options.inputs)
    if (!existsSync(join(input, 'trajectories.jsonl')))
      throw new LamError(
        'LAM_DataflowOptionError',
        `${input} holds no trajectories.jsonl: give folders written by lam dataflow generate.`,
      );
  const seenObs = new Set<string>();
  const seenTraj = new Set<string>();
  const tasks = new Map<string, string>();
  const obsLines: string[] = [];
  const trajLines: string[] = [];
  let duplicates = 0;
  for (const input of options.inputs) {
    const data = await readGeneratedDataset(input);
    const obsFile = join(input, 'observations.jsonl');
    if (existsSync(obsFile))
      for (const line of readFileSync(obsFile, 'utf8').split('\n')) {
        const hash = /^\{"hash":"([0-9a-f]+)"/.exec(line)?.[1];
        if (hash !== undefined && !seenObs.has(hash)) {
          seenObs.add(hash);
          obsLines.push(line);
        }
      }
    const tasksFile = join(input, 'tasks.jsonl');
    if (existsSync(tasksFile))
      for (const line of readFileSync(tasksFile, 'utf8').split('\n').filter(Boolean)) {
        const id = (JSON.parse(line) as { id: string; document: string }).id;
        if (!tasks.has(id)) tasks.set(id, line);
      }
    for (const t of data.trajectories) {
      const key = createHash('sha256')
        .update(JSON.stringify([t.taskId, t.request, t.steps.map((s) => s.decision)]))
        .digest('hex');
      if (seenTraj.has(key)) {
        duplicates++;
        continue;
      }
      seenTraj.add(key);
      const light = t.steps.map((s) => {
        const {
          controls: _c,
          canvasText: _t,
          ...summary
        } = s.observation ?? { application: '', controlCount: 0 };
        return { ...s, observation: summary };
      });
      const meta = t.metadata ?? {};
      const records: TrajectoryLogRecord[] = [
        {
          kind: 'trajectory-start',
          trajectoryId: t.id,
          ...(t.taskId ? { taskId: t.taskId } : {}),
          request: t.request,
          ...(t.application ? { application: t.application } : {}),
          ...(t.model ? { model: t.model } : {}),
          startedAt: t.startedAt,
          metadata: meta,
        },
        ...light.map((step) => ({ kind: 'step' as const, trajectoryId: t.id, step })),
        {
          kind: 'trajectory-end',
          trajectoryId: t.id,
          status: t.status,
          ...(t.reason ? { reason: t.reason } : {}),
          finishedAt: t.finishedAt ?? t.startedAt,
        },
      ];
      trajLines.push(...records.map((r) => JSON.stringify(r)));
    }
    for (const line of tasks.values()) {
      const task = JSON.parse(line) as { document: string };
      const from = join(input, task.document);
      if (existsSync(from) && !existsSync(join(out, task.document)))
        copyFileSync(from, join(out, task.document));
    }
  }
  writeFileSync(paths.observations, obsLines.map((l) => `${l}\n`).join(''));
  writeFileSync(paths.trajectories, trajLines.map((l) => `${l}\n`).join(''));
  writeFileSync(paths.tasks, [...tasks.values()].map((l) => `${l}\n`).join(''));
  const card = await writeGenerateCard(out);
  return { trajectories: seenTraj.size, duplicates, card };
}

/**
 * The phase-1 pairs of a generation folder (`task-plans.jsonl`): for each verified task that is not a
 * deliberate negative, its request and its route's steps in words (`source: 'other'`,
 * `metadata.generated: true`, with its split), beside the help-derived pairs.
 */
export async function writeGeneratedTaskPlans(outDir: string): Promise<number> {
  const data = await readGeneratedDataset(outDir);
  const lines: string[] = [];
  for (const t of data.trajectories) {
    if (t.verdict !== 'verified' || t.perturbation !== undefined || t.taskId === undefined) continue;
    const pair = TaskPlanPair.parse({
      taskId: t.taskId,
      task: t.request,
      plan: t.steps.map((s, i) => `${i + 1}. ${s.subtask ?? s.decision.thought}`),
      ...(t.application ? { app: t.application } : {}),
      source: 'other',
      metadata: { generated: true, split: t.split, skills: t.skills, route: t.route },
    });
    lines.push(JSON.stringify(pair));
  }
  writeFileSync(join(outDir, 'task-plans.jsonl'), lines.map((l) => `${l}\n`).join(''));
  return lines.length;
}
