import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openJsonlWriter, readJsonl, TaskPlanPair } from '@lam/schema';
import { composeTasks } from './evolve/evolve';
import { type ExtractionSummary, runExtraction } from './extract/run';
import { buildPhase1Dataset, type Phase1Counts } from './postprocess/phase1-dataset';

/** Options of {@link runDataflowCommand}, one per command-line flag. */
export interface DataflowCommandOptions {
  /** The help's language folder (default `/usr/share/libreoffice/help/en-US`). */
  helpDir?: string;
  /** The output folder: `task-plans.jsonl`, `evolved.jsonl`, `phase1/train.jsonl`, `phase1/test.jsonl`. */
  outDir: string;
  /** Evolved pairs per extracted pair, by rule-based composition (default 1; 0 for none). */
  evolvePerPair?: number;
  /** Fraction of tasks in the test split (default 0.2). */
  testFraction?: number;
  /** Print progress on stderr (default true). */
  progress?: boolean;
}

/** What {@link runDataflowCommand} did, and a summary to print. */
export interface DataflowCommandResult {
  extraction: ExtractionSummary;
  evolved: number;
  phase1: Phase1Counts;
  /** A few lines of counts for the terminal. */
  text: string;
}

/**
 * The stages built so far, chained for a command line: task-plan extraction from the help,
 * rule-based evolution, and the phase-1 training set. Reruns resume the extraction; the
 * evolved file and the phase-1 set are rebuilt from the pairs.
 */
export async function runDataflowCommand(options: DataflowCommandOptions): Promise<DataflowCommandResult> {
  const pairsFile = join(options.outDir, 'task-plans.jsonl');
  const evolvedFile = join(options.outDir, 'evolved.jsonl');
  const extraction = await runExtraction({
    ...(options.helpDir === undefined ? {} : { helpDir: options.helpDir }),
    out: pairsFile,
    ...(options.progress === false ? { onProgress: null } : {}),
  });
  const pairs: TaskPlanPair[] = [];
  if (existsSync(pairsFile))
    for await (const p of readJsonl(pairsFile, { schema: TaskPlanPair })) pairs.push(p);
  const evolved = composeTasks(pairs, { perPair: options.evolvePerPair ?? 1 });
  rmSync(evolvedFile, { force: true });
  const writer = openJsonlWriter(evolvedFile, { schema: TaskPlanPair, fsync: false });
  try {
    for (const pair of evolved) writer.append(pair);
  } finally {
    writer.close();
  }
  const phase1 = await buildPhase1Dataset({
    inputs: [pairsFile, evolvedFile],
    outDir: join(dirname(evolvedFile), 'phase1'),
    ...(options.testFraction === undefined ? {} : { testFraction: options.testFraction }),
  });
  const text = [
    `help files: ${extraction.files} (${extraction.processed} read, ${extraction.skipped} done before)`,
    `task-plan pairs: ${extraction.total} (${extraction.written} new: ${extraction.byApp.writer} writer, ${extraction.byApp.calc} calc) in ${pairsFile}`,
    `dropped: ${Object.entries(extraction.dropped)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `evolved pairs: ${evolved.length} in ${evolvedFile}`,
    `phase 1: ${phase1.train} train, ${phase1.test} test`,
  ].join('\n');
  return { extraction, evolved: evolved.length, phase1, text };
}
