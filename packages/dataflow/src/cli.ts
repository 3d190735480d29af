import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createModel, type LanguageModel } from '@lam/runtime';
import { LamError, openJsonlWriter, readJsonl, TaskPlanPair } from '@lam/schema';
import { type EvaluationSummary, runEvaluation } from './evaluate/run';
import { composeTasks } from './evolve/evolve';
import { type ExecutionSummary, runExecution } from './execute/run';
import { type ExplorationSummary, runExploration } from './explore/alternatives';
import { type ExtractionSummary, runExtraction } from './extract/run';
import { type InstantiationSummary, runInstantiation } from './instantiate/run';
import { exportUfoResults, exportUfoTasks, importUfoResults, importUfoTasks } from './interop/ufo';
import { WriterWorkbench } from './live/workbench';
import { buildPhase1Dataset, type Phase1Counts } from './postprocess/phase1-dataset';
import { buildTrajectorySets, type TrajectorySetCounts } from './postprocess/trajectory-sets';
import { type DataflowReport, dataflowPaths, reportMarkdown, summarizeDataflow } from './report';

/** The stages of the pipeline, in the order they run. */
export const DATAFLOW_STAGES = [
  'extract',
  'evolve',
  'phase1',
  'instantiate',
  'execute',
  'evaluate',
  'explore',
  'postprocess',
  'export',
] as const;
export type DataflowStage = (typeof DATAFLOW_STAGES)[number];

/**
 * Options of {@link runDataflowCommand}, one per command-line flag of `lam dataflow` (the flag is
 * the option in kebab case: `outDir` → `--out-dir`).
 */
export interface DataflowCommandOptions {
  /** The output folder (required). Every stage reads and writes there (see `dataflowPaths`). */
  outDir: string;
  /** The stages to run, in pipeline order whatever the order given (default: all, `DATAFLOW_STAGES`). */
  stages?: readonly DataflowStage[] | 'all';
  /** The help's language folder (default `/usr/share/libreoffice/help/en-US`). Stage `extract`. */
  helpDir?: string;
  /** Evolved pairs per extracted pair, by rule-based composition (default 1; 0 for none). Stage `evolve`. */
  evolvePerPair?: number;
  /** Fraction of tasks in the test split of every phase (default 0.2). */
  testFraction?: number;
  /** Seed of the split by task (default `lam`). */
  seed?: string;
  /** A UFO task folder or file (`dataflow/tasks/prefill`) to import as task-plan pairs (before `instantiate`). */
  ufoTasks?: string;
  /** A UFO results folder or file (instantiation or execution records) to import as execution inputs. */
  ufoResults?: string;
  /** The template folder (`description.json` + `.fodt`; default the package's Writer templates). Stage `instantiate`. */
  templatesDir?: string;
  /** Instantiate at most this many new tasks in this run (default: all). */
  maxTasks?: number;
  /** Instantiate a task that acts on the document's text on this many templates, the best first (default 1). */
  templatesPerTask?: number;
  /** Execute at most this many new tasks in this run (default: all). */
  maxExecutions?: number;
  /**
   * Alternative attempts per passing task for phase 4's negatives (default 1; 0 for none): the plan
   * with one click on the closest other control of the same type, replayed and judged by the task's
   * checks (`runExploration`). Stage `explore`.
   */
  alternativesPerTask?: number;
  /** Name-similarity threshold 0..100 for matching a step's control to a live control (default 80). */
  threshold?: number;
  /** Keep a screenshot before each executed step and after the last one (default true). */
  screenshots?: boolean;
  /**
   * A model for the instantiation (prefill, filter, template choice) as a `@lam/runtime` spec
   * (`onnx:<dir>`, `hf:<model>`, `scripted:<file>`, ...) or a `LanguageModel`. Without one the
   * deterministic planner instantiates.
   */
  model?: string | LanguageModel;
  /** A model for the LLM judge (default: `model`). Without one, tasks with no deterministic check are `unsure`. */
  judgeModel?: string | LanguageModel;
  /** Phase 3: trajectory files of the model's own attempts, merged with the dataflow's successes. */
  extraTrajectories?: readonly string[];
  /** Start a fresh LibreOffice after this many documents (default 40). */
  documentsPerSession?: number;
  /** Start LibreOffice anew for every document instead of reloading it in the running one (default false). */
  restartPerDocument?: boolean;
  /** Print progress on stderr (default true). */
  progress?: boolean;
  /** fsync each record (default false here: the JSONL files are still appended and flushed per record). */
  fsync?: boolean;
}

/** What {@link runDataflowCommand} did, and a summary to print. */
export interface DataflowCommandResult {
  stages: DataflowStage[];
  extraction?: ExtractionSummary;
  evolved?: number;
  phase1?: Phase1Counts;
  imported?: {
    tasks?: { imported: number; skipped: number };
    records?: { imported: number; skipped: number };
  };
  instantiation?: InstantiationSummary;
  execution?: ExecutionSummary;
  evaluation?: EvaluationSummary;
  exploration?: ExplorationSummary;
  sets?: TrajectorySetCounts;
  exported?: { tasks: number; results: Record<string, number> };
  /** The summary report (also written as `summary.json` and `summary.md`). */
  report: DataflowReport;
  /** Seconds per stage. */
  seconds: Record<string, number>;
  /** A few lines of counts for the terminal. */
  text: string;
}

function stageList(stages: DataflowCommandOptions['stages']): DataflowStage[] {
  if (stages === undefined || stages === 'all') return [...DATAFLOW_STAGES];
  const unknown = stages.filter((s) => !(DATAFLOW_STAGES as readonly string[]).includes(s));
  if (unknown.length > 0) {
    throw new LamError(
      'LAM_DataflowStageError',
      `Unknown dataflow stage(s): ${unknown.join(', ')}. The stages are ${DATAFLOW_STAGES.join(', ')} (or "all").`,
    );
  }
  return DATAFLOW_STAGES.filter((s) => stages.includes(s));
}

async function resolveModel(
  spec: string | LanguageModel | undefined,
  owned: LanguageModel[],
): Promise<LanguageModel | undefined> {
  if (spec === undefined || typeof spec !== 'string') return spec;
  const model = await createModel(spec);
  owned.push(model);
  return model;
}

/**
 * The whole pipeline as one command (`lam dataflow`): task-plan extraction from LibreOffice's
 * help, rule-based evolution, the phase-1 set, UFO imports, instantiation on template documents,
 * execution in LibreOffice Writer, evaluation, the phase 2-4 training sets, and UFO exports, each
 * stage alone or all in one run. Every stage resumes from its files in `outDir`; progress lines go
 * to stderr; the run ends with `summary.json` and `summary.md` (counts and failure reasons per
 * stage, seconds per stage, tasks per minute).
 * @throws {LamError} `LAM_DataflowStageError` for an unknown stage, and the stages' own errors
 *   (missing help, missing inputs, templates, LibreOffice not installed) with what to do.
 */
export async function runDataflowCommand(options: DataflowCommandOptions): Promise<DataflowCommandResult> {
  if (typeof options.outDir !== 'string' || options.outDir.trim() === '') {
    throw new LamError(
      'LAM_DataflowOptionError',
      'runDataflowCommand needs outDir: the folder to write the dataflow into (e.g. --out-dir runs/dataflow).',
    );
  }
  const stages = stageList(options.stages);
  const paths = dataflowPaths(options.outDir);
  mkdirSync(options.outDir, { recursive: true });
  const progress = options.progress !== false;
  const say = (line: string) => {
    if (progress) process.stderr.write(`${line}\n`);
  };
  const quiet = progress ? {} : { onProgress: null };
  const fsync = options.fsync ?? false;
  const split = {
    ...(options.testFraction === undefined ? {} : { testFraction: options.testFraction }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  };
  const result: Omit<DataflowCommandResult, 'report' | 'text'> = { stages, seconds: {} };
  const timed = async <T>(stage: string, fn: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    say(`dataflow: ${stage}`);
    try {
      return await fn();
    } finally {
      result.seconds[stage] = (performance.now() - started) / 1000;
    }
  };
  const owned: LanguageModel[] = [];
  let workbench: WriterWorkbench | undefined;
  const bench = () => {
    workbench ??= new WriterWorkbench({
      documentsDir: paths.documents,
      ...(options.documentsPerSession === undefined
        ? {}
        : { documentsPerSession: options.documentsPerSession }),
      ...(options.restartPerDocument === undefined ? {} : { restartPerDocument: options.restartPerDocument }),
    });
    return workbench;
  };
  try {
    const model = await resolveModel(options.model, owned);
    const judgeModel =
      options.judgeModel === undefined ? model : await resolveModel(options.judgeModel, owned);
    if (stages.includes('extract'))
      result.extraction = await timed('extract', () =>
        runExtraction({
          ...(options.helpDir === undefined ? {} : { helpDir: options.helpDir }),
          out: paths.pairs,
          fsync,
          ...quiet,
        }),
      );
    if (stages.includes('evolve'))
      result.evolved = await timed('evolve', async () => {
        const pairs: TaskPlanPair[] = [];
        if (existsSync(paths.pairs))
          for await (const p of readJsonl(paths.pairs, { schema: TaskPlanPair })) pairs.push(p);
        const evolved = composeTasks(pairs, { perPair: options.evolvePerPair ?? 1 });
        rmSync(paths.evolved, { force: true });
        const writer = openJsonlWriter(paths.evolved, { schema: TaskPlanPair, fsync: false });
        try {
          for (const pair of evolved) writer.append(pair);
        } finally {
          writer.close();
        }
        return evolved.length;
      });
    if (options.ufoTasks !== undefined || options.ufoResults !== undefined)
      result.imported = await timed('import', async () => ({
        ...(options.ufoTasks === undefined
          ? {}
          : { tasks: await importUfoTasks(options.ufoTasks, paths.imported) }),
        ...(options.ufoResults === undefined
          ? {}
          : { records: await importUfoResults(options.ufoResults, paths.importedRecords) }),
      }));
    const pairFiles = [paths.pairs, paths.evolved, paths.imported].filter((f) => existsSync(f));
    if (stages.includes('phase1'))
      result.phase1 = await timed('phase1', () =>
        buildPhase1Dataset({ inputs: pairFiles, outDir: paths.phase1, ...split }),
      );
    if (stages.includes('instantiate'))
      result.instantiation = await timed('instantiate', () =>
        runInstantiation({
          inputs: pairFiles,
          out: paths.instantiation,
          documentsDir: paths.documents,
          ...(options.templatesDir === undefined ? {} : { templatesDir: options.templatesDir }),
          ...(options.maxTasks === undefined ? {} : { maxTasks: options.maxTasks }),
          ...(options.templatesPerTask === undefined ? {} : { templatesPerTask: options.templatesPerTask }),
          ...(options.threshold === undefined ? {} : { threshold: options.threshold }),
          ...(model === undefined ? {} : { model }),
          workbench: bench(),
          fsync,
          ...quiet,
        }),
      );
    if (stages.includes('execute'))
      result.execution = await timed('execute', () =>
        runExecution({
          inputs: [paths.instantiation, paths.importedRecords],
          out: paths.execution,
          trajectories: paths.trajectories,
          documentsDir: paths.documents,
          screenshotsDir: options.screenshots === false ? null : paths.screenshots,
          ...(options.maxExecutions === undefined ? {} : { maxTasks: options.maxExecutions }),
          ...(options.threshold === undefined ? {} : { threshold: options.threshold }),
          workbench: bench(),
          fsync,
          ...quiet,
        }),
      );
    if (workbench !== undefined) await (workbench as WriterWorkbench).close();
    workbench = undefined;
    if (stages.includes('evaluate'))
      result.evaluation = await timed('evaluate', () =>
        runEvaluation({
          inputs: [paths.execution],
          trajectories: paths.trajectories,
          out: paths.evaluation,
          ...(judgeModel === undefined ? {} : { judgeModel }),
          fsync,
          ...quiet,
        }),
      );
    if (stages.includes('explore') && (options.alternativesPerTask ?? 1) > 0)
      result.exploration = await timed('explore', async () => {
        // The attempts' documents keep their tasks' names (the window title is in the prompt): their own folder.
        const explorer = new WriterWorkbench({
          documentsDir: paths.alternativeDocuments,
          ...(options.documentsPerSession === undefined
            ? {}
            : { documentsPerSession: options.documentsPerSession }),
          ...(options.restartPerDocument === undefined
            ? {}
            : { restartPerDocument: options.restartPerDocument }),
        });
        try {
          return await runExploration({
            evaluated: [paths.evaluation],
            trajectories: paths.trajectories,
            perTask: options.alternativesPerTask ?? 1,
            out: {
              alternatives: paths.alternatives,
              execution: paths.alternativeExecution,
              trajectories: paths.alternativeTrajectories,
              evaluation: paths.alternativeEvaluation,
            },
            documentsDir: paths.alternativeDocuments,
            screenshotsDir: options.screenshots === false ? null : paths.alternativeScreenshots,
            ...(options.threshold === undefined ? {} : { threshold: options.threshold }),
            workbench: explorer,
            fsync,
            ...quiet,
          });
        } finally {
          await explorer.close();
        }
      });
    if (stages.includes('postprocess'))
      result.sets = await timed('postprocess', () =>
        buildTrajectorySets({
          evaluated: [paths.evaluation, paths.alternativeEvaluation].filter((f) => existsSync(f)),
          trajectories: [paths.trajectories, paths.alternativeTrajectories].filter((f) => existsSync(f)),
          ...(options.extraTrajectories === undefined
            ? {}
            : { extraTrajectories: options.extraTrajectories }),
          outDir: options.outDir,
          ...split,
        }),
      );
    if (stages.includes('export'))
      result.exported = await timed('export', async () => ({
        tasks: await exportUfoTasks(pairFiles, join(paths.ufo, 'tasks')),
        results: await exportUfoResults(
          [paths.instantiation, paths.evaluation].filter((f) => existsSync(f)),
          join(paths.ufo, 'results'),
        ),
      }));
  } finally {
    await workbench?.close();
    for (const m of owned) await m.dispose().catch(() => undefined);
  }
  const loop = ['instantiate', 'execute', 'evaluate'].filter((s) => result.seconds[s] !== undefined);
  const loopSeconds = loop.reduce((sum, s) => sum + (result.seconds[s] ?? 0), 0);
  // Throughput: executed tasks per minute of instantiation + execution + evaluation time (reading and
  // rehearsing the tasks that were filtered out included).
  const loopTasks = result.execution?.attempted ?? 0;
  const report = await summarizeDataflow(options.outDir, {
    seconds: result.seconds,
    ...(loopSeconds > 0 && loopTasks > 0 ? { tasksPerMinute: (loopTasks * 60) / loopSeconds } : {}),
  });
  writeFileSync(paths.summaryJson, `${JSON.stringify(report, null, 2)}\n`);
  const markdown = reportMarkdown(report);
  writeFileSync(paths.summaryMarkdown, markdown);
  const text = [
    `task-plan pairs: ${report.pairs.extracted} extracted, ${report.pairs.evolved} evolved, ${report.pairs.imported} imported (${report.pairs.writer} Writer, ${report.pairs.calc} Calc)`,
    `phase 1: ${report.phase1.train} train, ${report.phase1.test} test`,
    `instantiation: ${report.instantiation.passed} instantiated, ${report.instantiation.failed} filtered of ${report.instantiation.total}`,
    `execution: ${report.execution.passed} ran to the end, ${report.execution.failed} failed of ${report.execution.total}`,
    `evaluation: ${report.evaluation.passed} passed, ${report.evaluation.failed} failed, ${report.evaluation.unsure} unsure of ${report.evaluation.total}`,
    `alternative attempts: ${report.alternatives.failed} failed, ${report.alternatives.passed} passed, ${report.alternatives.unsure} unsure of ${report.alternatives.total}`,
    `datasets: ${
      Object.entries(report.datasets)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none'
    }`,
    `summary: ${paths.summaryMarkdown}`,
  ].join('\n');
  return { ...result, report, text };
}
