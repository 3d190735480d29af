import { createHash } from 'node:crypto';

export interface SplitOptions {
  /** Fraction of tasks that go to the test split, in [0, 1]. Default 0.2 (the paper's planning hold-out). */
  testFraction?: number;
  /** Changes which tasks are drawn; the same seed always gives the same split. Default `lam`. */
  seed?: string;
}

/**
 * Whether a task belongs to the test split. The answer depends only on the task id and the seed,
 * so every record of a task (its plan sample, all its steps, its reward samples) lands on the same
 * side, and adding tasks later never moves an existing one: no test task leaks into training.
 */
export function isTestTask(taskId: string, options: SplitOptions = {}): boolean {
  const fraction = options.testFraction ?? 0.2;
  if (!(fraction >= 0 && fraction <= 1)) {
    throw new RangeError(`testFraction must be between 0 and 1, got ${fraction}.`);
  }
  const digest = createHash('sha256')
    .update(`${options.seed ?? 'lam'}\u0000${taskId}`)
    .digest();
  return digest.readUInt32BE(0) / 0x1_0000_0000 < fraction;
}

/**
 * Whether a record made of several tasks belongs to the test split: when any of them is a test task.
 * A composed pair ("A, then B", `evolvedFrom` A, `metadata.composedWith` B) holds B's plan word for
 * word, so it may only be trained on when both A and B are training tasks.
 */
export function isTestTaskOf(taskIds: readonly string[], options: SplitOptions = {}): boolean {
  return taskIds.some((id) => isTestTask(id, options));
}

/**
 * The tasks a task-plan pair is made of, for the split: the pair it was evolved from (or itself) and,
 * for a pair composed of two, the second one (`metadata.composedWith`).
 */
export function splitRoots(pair: {
  taskId: string;
  evolvedFrom?: string | undefined;
  metadata?: Record<string, unknown> | undefined;
}): string[] {
  const composed = pair.metadata?.composedWith;
  return [pair.evolvedFrom ?? pair.taskId, ...(typeof composed === 'string' ? [composed] : [])];
}

/** Splits records into train and test by their task id (see `isTestTask`). */
export function splitByTask<T>(
  records: Iterable<T>,
  taskIdOf: (record: T) => string,
  options: SplitOptions = {},
): { train: T[]; test: T[] } {
  const train: T[] = [];
  const test: T[] = [];
  for (const record of records) (isTestTask(taskIdOf(record), options) ? test : train).push(record);
  return { train, test };
}
