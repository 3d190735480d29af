import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import {
  DataflowRecord,
  executionOutcome,
  fromUfoDataflowRecord,
  fromUfoDataflowTask,
  LamError,
  openJsonlWriter,
  readJsonl,
  TaskPlanPair,
  toUfoDataflowRecord,
  toUfoDataflowTask,
  validate,
} from '@lam/schema';

/** UFO's app names (`AppEnum`) and ours: Word is done in Writer here, Excel in Calc. */
export const UFO_APPS: Readonly<Record<string, string>> = {
  word: 'writer',
  excel: 'calc',
  powerpoint: 'impress',
};
const TO_UFO: Readonly<Record<string, string>> = { writer: 'word', calc: 'excel', impress: 'powerpoint' };

function jsonFiles(path: string): string[] {
  if (!existsSync(path)) {
    throw new LamError(
      'LAM_InputMissingError',
      `${path} does not exist. Pass a UFO folder (dataflow/tasks/prefill or dataflow/results) or a .json file from one.`,
    );
  }
  if (statSync(path).isFile()) return [path];
  const out: string[] = [];
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) out.push(...jsonFiles(full));
    else if (entry.name.endsWith('.json')) out.push(full);
  }
  return out.sort();
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new LamError(
      'LAM_JsonParseError',
      `${file} is not valid JSON (${String(cause)}). Fix or remove the file.`,
    );
  }
}

/**
 * Imports UFO dataflow task files (`dataflow/tasks/prefill/*.json`: `{app, unique_id, task,
 * refined_steps}`, PAPER.md §2.2) as task-plan pairs appended to `out`: the unique id becomes the
 * task id, the refined steps the plan, `word`/`excel` become `writer`/`calc`; the file name (UFO's
 * document name) is kept in `metadata.ufoName`. Returns how many were imported and skipped (already there).
 */
export async function importUfoTasks(
  source: string,
  out: string,
): Promise<{ imported: number; skipped: number }> {
  const known = new Set<string>();
  if (existsSync(out))
    for await (const p of readJsonl(out, { schema: TaskPlanPair, skipInvalid: true })) known.add(p.taskId);
  const writer = openJsonlWriter(out, {
    schema: TaskPlanPair,
    record: 'TaskPlanPair',
    fsync: false,
    tornTail: 'newline',
  });
  let imported = 0;
  let skipped = 0;
  try {
    for (const file of jsonFiles(source)) {
      const name = basename(file, '.json');
      const task = fromUfoDataflowTask(readJson(file), { name });
      if (known.has(task.uniqueId)) {
        skipped++;
        continue;
      }
      known.add(task.uniqueId);
      writer.append(
        validate(
          TaskPlanPair,
          {
            taskId: task.uniqueId,
            task: task.task,
            plan: task.refinedSteps,
            app: UFO_APPS[task.app.toLowerCase()] ?? task.app,
            source: 'other',
            metadata: { ufoName: name, ufoApp: task.app, ...(task.extra ?? {}) },
          },
          { record: 'TaskPlanPair', file },
        ),
      );
      imported++;
    }
  } finally {
    writer.close();
  }
  return { imported, skipped };
}

/** Writes task-plan pairs as UFO dataflow task files (`<dir>/<task id>.json`), apps mapped back (`writer` → `word`). */
export async function exportUfoTasks(inputs: readonly string[], dir: string): Promise<number> {
  mkdirSync(dir, { recursive: true });
  let n = 0;
  for (const input of inputs) {
    if (!existsSync(input)) continue;
    for await (const pair of readJsonl(input, { schema: TaskPlanPair, record: 'TaskPlanPair' })) {
      const app = pair.app ?? 'writer';
      const json = toUfoDataflowTask({
        app: TO_UFO[app] ?? app,
        uniqueId: pair.taskId,
        task: pair.task,
        refinedSteps: pair.plan,
      });
      writeFileSync(join(dir, `${pair.taskId}.json`), `${JSON.stringify(json, null, 2)}\n`);
      n++;
    }
  }
  return n;
}

/**
 * Writes dataflow records as UFO result files, routed as UFO's `data_flow_controller.py` does
 * (PAPER.md §2.6): instantiation records to `instantiation/instantiation_pass|instantiation_fail`,
 * executed and evaluated ones to `execution/execution_pass|execution_fail|execution_unsure`.
 * Returns the files written per folder.
 */
export async function exportUfoResults(
  inputs: readonly string[],
  dir: string,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  const latest = new Map<string, DataflowRecord>();
  for (const input of inputs) {
    if (!existsSync(input)) continue;
    for await (const r of readJsonl(input, { schema: DataflowRecord, record: 'DataflowRecord' }))
      latest.set(r.uniqueId, r);
  }
  for (const record of latest.values()) {
    const outcome = executionOutcome(record);
    const folder =
      record.execution === null
        ? `instantiation/instantiation_${record.instantiation.evaluation?.result?.judge ? 'pass' : 'fail'}`
        : outcome === 'not-executed'
          ? `execution/execution_${record.execution.error === null ? 'unsure' : 'fail'}`
          : `execution/execution_${outcome}`;
    const app = TO_UFO[record.app] ?? record.app;
    const ufo = toUfoDataflowRecord({ ...record, app });
    mkdirSync(join(dir, folder), { recursive: true });
    writeFileSync(join(dir, folder, `${record.uniqueId}.json`), `${JSON.stringify(ufo, null, 2)}\n`);
    counts[folder] = (counts[folder] ?? 0) + 1;
  }
  return counts;
}

/**
 * Imports UFO dataflow result files (instantiation or execution form, PAPER.md §2.5-2.6) as dataflow
 * records appended to `out`, so that UFO's instantiated tasks can be executed, evaluated and turned
 * into training data here. Apps are mapped (`word` → `writer`).
 */
export async function importUfoResults(
  source: string,
  out: string,
): Promise<{ imported: number; skipped: number }> {
  const known = new Set<string>();
  if (existsSync(out))
    for await (const r of readJsonl(out, { schema: DataflowRecord, skipInvalid: true }))
      known.add(r.uniqueId);
  const writer = openJsonlWriter(out, {
    schema: DataflowRecord,
    record: 'DataflowRecord',
    fsync: false,
    tornTail: 'newline',
  });
  let imported = 0;
  let skipped = 0;
  try {
    for (const file of jsonFiles(source)) {
      const record = fromUfoDataflowRecord(readJson(file), { file });
      if (known.has(record.uniqueId)) {
        skipped++;
        continue;
      }
      known.add(record.uniqueId);
      writer.append({ ...record, app: UFO_APPS[record.app.toLowerCase()] ?? record.app });
      imported++;
    }
  } finally {
    writer.close();
  }
  return { imported, skipped };
}
