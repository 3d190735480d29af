import { readFileSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, resolve } from 'node:path';
import { Metadata, validate } from '@lam/schema';
import { z } from 'zod';
import { CheckerSpec } from '../checkers/checkers';
import { LAM_TaskSuiteError } from '../errors';

/**
 * Where a task starts. The harness passes it to the environment provider, which knows the backend:
 * a `url` or `html` page for the web, a `document` to open for a desktop application. Relative
 * paths in `file` and `document` are resolved against the suite file's folder when loaded.
 */
export const StartState = z.strictObject({
  url: z.string().optional(),
  /** HTML to load into a page (no server needed). */
  html: z.string().optional(),
  /** A file to open: an HTML file for the web, a document for a desktop application. */
  file: z.string().optional(),
  /** Anything else the provider needs. */
  metadata: Metadata.optional(),
});
export type StartState = z.infer<typeof StartState>;

/** One task of a suite: the request, where it starts, and how to check the result. */
export const TaskSpec = z.strictObject({
  id: z.string().min(1),
  request: z.string().min(1),
  /** The application, e.g. `writer`, `calc`, `web`. */
  app: z.string().optional(),
  start: StartState.optional(),
  /** How the final state is checked; without one, only a judge can decide. */
  checker: CheckerSpec.optional(),
  /**
   * The most steps the agent may take. A runner that records more is stopped by the harness: the
   * run ends `max-steps` and is not a success.
   */
  maxSteps: z.int().positive().optional(),
  metadata: Metadata.optional(),
});
export type TaskSpec = z.infer<typeof TaskSpec>;

/** A named list of tasks. */
export const TaskSuite = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  tasks: z.array(TaskSpec),
});
export type TaskSuite = z.infer<typeof TaskSuite>;

function resolvePaths(task: TaskSpec, dir: string): TaskSpec {
  if (task.start?.file === undefined || isAbsolute(task.start.file)) return task;
  return { ...task, start: { ...task.start, file: resolve(dir, task.start.file) } };
}

function checkUnique(suite: TaskSuite, file: string): void {
  const seen = new Set<string>();
  for (const t of suite.tasks) {
    if (seen.has(t.id)) {
      throw new LAM_TaskSuiteError({
        file,
        problem: `the task id ${JSON.stringify(t.id)} appears twice`,
        fix: 'Give every task its own id: results and resumption are keyed by it.',
      });
    }
    seen.add(t.id);
  }
}

/**
 * Reads a task suite: a `.json` file `{name, description?, tasks: [...]}`, or a `.jsonl` file with
 * one task per line (the suite is named after the file). Every task is validated; ids must be
 * unique; relative `start.file` paths are resolved against the suite's folder.
 */
export function loadTaskSuite(file: string): TaskSuite {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new LAM_TaskSuiteError({
      file: path,
      problem: 'the file cannot be read',
      fix: 'Check the path; a suite is a .json file {name, tasks} or a .jsonl file of tasks.',
      cause,
    });
  }
  const dir = dirname(path);
  let suite: TaskSuite;
  if (extname(path) === '.jsonl') {
    const tasks = text
      .split('\n')
      .map((line, i) => ({ line: line.trim(), n: i + 1 }))
      .filter((l) => l.line !== '')
      .map(({ line, n }) => {
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch (cause) {
          throw new LAM_TaskSuiteError({
            file: path,
            problem: `line ${n} is not JSON`,
            fix: 'Write one task object per line.',
            cause,
          });
        }
        return validate(TaskSpec, value, { record: 'task', file: path, line: n });
      });
    suite = { name: basename(path, '.jsonl'), tasks };
  } else {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (cause) {
      throw new LAM_TaskSuiteError({
        file: path,
        problem: `it is not JSON (${(cause as Error).message})`,
        fix: 'Fix the JSON syntax.',
        cause,
      });
    }
    suite = validate(TaskSuite, value, { record: 'task suite', file: path });
  }
  suite = { ...suite, tasks: suite.tasks.map((t) => resolvePaths(t, dir)) };
  checkUnique(suite, path);
  return suite;
}

/** Validates a suite given as an object (ids unique). */
export function defineTaskSuite(suite: z.input<typeof TaskSuite>): TaskSuite {
  const parsed = validate(TaskSuite, suite, { record: 'task suite' });
  checkUnique(parsed, `(suite ${parsed.name})`);
  return parsed;
}
