import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { LamError, openJsonlWriter, readJsonl, TaskPlanPair } from '@lam/schema';
import { taskPlanSample } from './phase1';
import { isTestTaskOf, type SplitOptions, splitRoots } from './split';

/** Options of {@link buildPhase1Dataset}. */
export interface BuildPhase1Options extends SplitOptions {
  /** JSONL files of `TaskPlanPair`s (stage 1 and, if any, evolved pairs). */
  inputs: readonly string[];
  /** The folder to write `train.jsonl` and `test.jsonl` to; existing ones are replaced. */
  outDir: string;
  /** The system message of each sample (see `taskPlanSample`). */
  systemPrompt?: string | null;
}

/** Counts of a phase-1 build. */
export interface Phase1Counts {
  train: number;
  test: number;
  /** Tasks seen twice (same task id) and written once. */
  duplicates: number;
  trainFile: string;
  testFile: string;
}

/**
 * Phase-1 training set (paper §4.1, task → plan): each pair becomes a chat sample
 * `{"id", "messages": [...]}`, the format most trainers read, in `train.jsonl` or `test.jsonl`.
 * The split goes by the root task (an evolved pair follows the pair it came from, and a pair composed
 * of two goes to test when either of them is a test task), so no test task, nor a variant of one, nor
 * its plan inside a composed pair, is trained on.
 * @throws {LamError} `LAM_InputMissingError` when an input file does not exist.
 */
export async function buildPhase1Dataset(options: BuildPhase1Options): Promise<Phase1Counts> {
  const trainFile = join(options.outDir, 'train.jsonl');
  const testFile = join(options.outDir, 'test.jsonl');
  for (const input of options.inputs) {
    if (!existsSync(input)) {
      throw new LamError(
        'LAM_InputMissingError',
        `The task-plan file ${input} does not exist. Run the extraction first (runExtraction) or pass the path of an existing JSONL file of TaskPlanPair records.`,
      );
    }
  }
  rmSync(trainFile, { force: true });
  rmSync(testFile, { force: true });
  const train = openJsonlWriter(trainFile, { fsync: false });
  const test = openJsonlWriter(testFile, { fsync: false });
  const seen = new Set<string>();
  const counts: Phase1Counts = { train: 0, test: 0, duplicates: 0, trainFile, testFile };
  const split: SplitOptions = {
    ...(options.testFraction === undefined ? {} : { testFraction: options.testFraction }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  };
  try {
    for (const input of options.inputs) {
      for await (const pair of readJsonl(input, { schema: TaskPlanPair, record: 'TaskPlanPair' })) {
        if (seen.has(pair.taskId)) {
          counts.duplicates++;
          continue;
        }
        seen.add(pair.taskId);
        const sample = taskPlanSample(
          pair,
          options.systemPrompt === undefined ? {} : { systemPrompt: options.systemPrompt },
        );
        const inTest = isTestTaskOf(splitRoots(pair), split);
        (inTest ? test : train).append({ id: sample.id, messages: sample.messages });
        counts[inTest ? 'test' : 'train']++;
      }
    }
  } finally {
    train.close();
    test.close();
  }
  return counts;
}
