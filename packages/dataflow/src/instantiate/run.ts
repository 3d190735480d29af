import { existsSync, readFileSync } from 'node:fs';
import { filterTemplate, prefillTemplate } from '@lam/prompts';
import type { LanguageModel } from '@lam/runtime';
import {
  DataflowRecord,
  type FilterRequestType,
  type FilterVerdict,
  type InstantiatedStep,
  LamError,
  openJsonlWriter,
  readJsonl,
  TaskPlanPair,
} from '@lam/schema';
import { loadDesktop, type WorkbenchOptions, WriterWorkbench } from '../live/workbench';
import { textMessages } from '../util/messages';
import {
  chooseTarget,
  concreteRequest,
  type FilterReason,
  type PlanRejection,
  readPlan,
  rehearsePlan,
  type TargetText,
} from './planner';
import {
  chooseTemplate,
  chooseTemplateWithModel,
  defaultTemplatesDir,
  loadTemplateCatalogue,
  scoreTemplates,
  type TemplateInfo,
} from './templates';

/** Progress of an instantiation run, after each task. */
export interface InstantiationProgress {
  done: number;
  total: number;
  taskId: string;
  instantiated: number;
  filtered: number;
}

/** Options of {@link runInstantiation}. */
export interface RunInstantiationOptions {
  /** JSONL files of `TaskPlanPair`s (extracted, evolved, imported from UFO). */
  inputs: readonly string[];
  /** The JSONL file of instantiation records (`DataflowRecord`) to append to. */
  out: string;
  /** Where the rehearsal puts each task's copy of its template (default `<out dir>/documents`). */
  documentsDir: string;
  /** The template folder (`description.json` + `.fodt`); default the Writer templates of this package. */
  templatesDir?: string;
  /** The app whose pairs are instantiated (default `writer`); pairs of other apps are left out and counted. */
  app?: string;
  /** Instantiate at most this many tasks in this run (resumed ones not counted). */
  maxTasks?: number;
  /**
   * Instantiate a task that acts on the document's text on this many templates, the best by lexical
   * similarity, each with its own target text and request (default 1). Extra instances get the id
   * `<task id>@<template>` and `extra.variantOf`; the split keeps them with their task.
   */
  templatesPerTask?: number;
  /** Name-similarity threshold (0..100) for matching a help step's object to a control (default 80). */
  threshold?: number;
  /**
   * A model for the model-based prefill (`prefillTemplate`), the filter (`filterTemplate`) and the
   * template choice (`templateChoiceTemplate`); without one the deterministic planner does it all.
   */
  model?: LanguageModel;
  /** A running workbench to share with later stages; one is started (and stopped) otherwise. */
  workbench?: WriterWorkbench;
  /** Options of the workbench this run starts. */
  workbenchOptions?: Partial<WorkbenchOptions>;
  /** Called after each task; default a line on stderr every 10 tasks. `null`: silent. */
  onProgress?: ((p: InstantiationProgress) => void) | null;
  /** fsync each record (default true). */
  fsync?: boolean;
}

/** What an instantiation run did. */
export interface InstantiationSummary {
  out: string;
  /** Pairs of the app read from the inputs (after de-duplication by task id). */
  tasks: number;
  /** Pairs of other apps, left out. */
  otherApp: number;
  /** Tasks done by an earlier run. */
  skipped: number;
  /** Tasks handled in this run. */
  attempted: number;
  instantiated: number;
  filtered: number;
  /** Filtered tasks by reason (this run). */
  reasons: Partial<Record<FilterReason, number>>;
  /** Instantiated tasks per template (this run). */
  templates: Record<string, number>;
  /** Records in the output file after this run, and how many of them passed. */
  total: number;
  totalInstantiated: number;
  seconds: number;
}

const FILTER_TYPES: Record<FilterReason, FilterRequestType> = {
  'vague-target': 'Non_task',
  'no-action': 'Non_task',
  'outside-app': 'App_involve',
  'other-app': 'App_involve',
  gesture: 'Others',
  loop: 'Others',
  alternatives: 'Non_task',
  'unknown-verb': 'Others',
  'no-control': 'Others',
  'action-failed': 'Others',
  'left-open': 'Others',
  model: 'Others',
  'part-filtered': 'Others',
};

const round = (s: number) => Math.round(s * 1000) / 1000;

/** Reads task-plan pairs from JSONL files, first occurrence of a task id wins. */
export async function readPairs(inputs: readonly string[]): Promise<TaskPlanPair[]> {
  const seen = new Set<string>();
  const out: TaskPlanPair[] = [];
  for (const input of inputs) {
    if (!existsSync(input)) {
      throw new LamError(
        'LAM_InputMissingError',
        `The task-plan file ${input} does not exist. Run the extraction first (runExtraction, or runDataflowCommand with the "extract" stage) or pass an existing JSONL file of TaskPlanPair records.`,
      );
    }
    for await (const pair of readJsonl(input, { schema: TaskPlanPair, record: 'TaskPlanPair' })) {
      if (seen.has(pair.taskId)) continue;
      seen.add(pair.taskId);
      out.push(pair);
    }
  }
  return out;
}

/** The ids of the tasks a JSONL file of dataflow records already holds (for resuming). */
export async function recordedIds(file: string): Promise<Map<string, DataflowRecord>> {
  const done = new Map<string, DataflowRecord>();
  if (!existsSync(file)) return done;
  for await (const r of readJsonl(file, { schema: DataflowRecord, skipInvalid: true }))
    done.set(r.uniqueId, r);
  return done;
}

interface Outcome {
  request?: string;
  plan?: InstantiatedStep[];
  prefillError?: string;
  verdict: FilterVerdict;
  reason?: FilterReason;
  target?: TargetText;
  notes?: string[];
  method: 'rules' | 'model';
  prefillSeconds: number;
  filterSeconds: number;
}

function rejected(r: PlanRejection, prefillSeconds: number): Outcome {
  return {
    prefillError: `${r.reason}: ${r.detail}`,
    verdict: { judge: false, thought: r.detail, type: FILTER_TYPES[r.reason] },
    reason: r.reason,
    method: 'rules',
    prefillSeconds,
    filterSeconds: 0,
  };
}

/**
 * For a composed pair (its plan is its two tasks' plans one after the other), why it cannot pass
 * when one of the two was already filtered by its own rehearsal: the same steps would fail again. In
 * the 2026-11-21 acceptance run, none of 72 such rehearsals (13 minutes) gave a task.
 */
function filteredPart(
  pair: TaskPlanPair,
  ...known: ReadonlyMap<string, DataflowRecord>[]
): string | undefined {
  const composedWith = pair.metadata?.composedWith;
  if (pair.evolvedFrom === undefined || typeof composedWith !== 'string') return undefined;
  for (const part of [pair.evolvedFrom, composedWith]) {
    const record = known.map((m) => m.get(part)).find((r) => r !== undefined);
    if (record === undefined || record.instantiation.evaluation?.result?.judge !== false) continue;
    const why = record.instantiation.extra?.filterReason ?? 'filtered';
    return `its part "${record.original.task}" (${part}) was filtered (${String(why)}): the same steps would fail again`;
  }
  return undefined;
}

/** The deterministic prefill and filter: read the plan, pick the text, rehearse it on the template. */
async function rulesOutcome(
  pair: TaskPlanPair,
  template: TemplateInfo,
  workbench: WriterWorkbench,
  options: { threshold: number; name: string },
): Promise<Outcome> {
  const started = performance.now();
  const read = readPlan(pair.plan);
  if ('ok' in read) return rejected(read, (performance.now() - started) / 1000);
  const { parseFlatText } = await loadDesktop();
  const state = parseFlatText(readFileSync(template.path, 'utf8'), template.path);
  const kinds = read.intents.flat().flatMap((i) => (i.kind === 'select' ? [i.target] : []));
  const target = chooseTarget(state.paragraphs, kinds, pair.task);
  let result: Awaited<ReturnType<typeof rehearsePlan>>;
  try {
    const opened = await workbench.open(template.path, options.name);
    result = await rehearsePlan(opened.environment, read.intents, target, { threshold: options.threshold });
  } catch (error) {
    // Something missing (Xvfb, LibreOffice, dbus-next) stops the run: the message says what to install.
    if (LamError.isInstance(error) && error.name === 'LAM_DesktopDependencyError') throw error;
    // LibreOffice is in an unknown state (or gone): start a fresh one for the next task.
    await workbench.discard();
    result = {
      ok: false,
      reason: 'action-failed',
      detail: `LibreOffice failed during the rehearsal: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  const prefillSeconds = (performance.now() - started) / 1000;
  if ('ok' in result) {
    if (result.reason === 'action-failed') await workbench.discard().catch(() => undefined);
    return rejected(result, prefillSeconds);
  }
  return {
    request: concreteRequest(pair.task, target, result.typed),
    plan: result.plan,
    verdict: {
      judge: true,
      thought: `Every step maps to a control or function of LibreOffice Writer on ${template.file}, and the rehearsal ran all ${result.plan.length} actions.`,
      type: 'None',
    },
    ...(target === undefined ? {} : { target }),
    notes: result.notes,
    method: 'rules',
    prefillSeconds,
    filterSeconds: 0,
  };
}

/** The model-based prefill (paper App. B.1) and filter (PAPER.md §4.2) through `@lam/prompts`. */
async function modelOutcome(
  pair: TaskPlanPair,
  template: TemplateInfo,
  workbench: WriterWorkbench,
  model: LanguageModel,
  name: string,
): Promise<Outcome> {
  const started = performance.now();
  const opened = await workbench.open(template.path, name);
  const observation = await opened.environment.observe({ canvas: true });
  const messages = textMessages(
    prefillTemplate.render({
      app: 'LibreOffice Writer',
      task: pair.task,
      referenceSteps: pair.plan,
      controls: observation.controls.map((c) => ({ label: c.label, name: c.name, type: c.type })),
      ...(observation.canvasText === undefined ? {} : { canvasState: observation.canvasText }),
    }),
  );
  const answer = await model.generate({ messages, maxTokens: 1_500, temperature: 0 });
  let prefill: ReturnType<typeof prefillTemplate.parse>;
  try {
    prefill = prefillTemplate.parse(answer.text);
  } catch (error) {
    if (!LamError.isInstance(error)) throw error;
    return {
      prefillError: `model: ${error.message}`,
      verdict: { judge: false, thought: 'the prefill answer could not be parsed', type: 'Others' },
      reason: 'model',
      method: 'model',
      prefillSeconds: (performance.now() - started) / 1000,
      filterSeconds: 0,
    };
  }
  const prefillSeconds = (performance.now() - started) / 1000;
  const plan = prefill.plan.map((s, i) => ({ ...s, step: i + 1 }));
  if (plan.at(-1)?.function !== 'save_as')
    plan.push({
      step: plan.length + 1,
      subtask: 'Save the document',
      controlLabel: '',
      controlText: '',
      function: 'save_as',
      args: { file_dir: '', file_name: '', file_ext: '' },
    });
  const filterStarted = performance.now();
  const filterAnswer = await model.generate({
    messages: textMessages(filterTemplate.render({ app: 'LibreOffice Writer', task: prefill.newTask })),
    maxTokens: 300,
    temperature: 0,
  });
  let verdict: FilterVerdict;
  try {
    verdict = filterTemplate.parse(filterAnswer.text);
  } catch (error) {
    if (!LamError.isInstance(error)) throw error;
    verdict = {
      judge: false,
      thought: `the filter answer could not be parsed: ${error.message}`,
      type: 'Others',
    };
  }
  return {
    request: prefill.newTask,
    plan,
    verdict,
    ...(verdict.judge ? {} : { reason: 'model' as const }),
    method: 'model',
    prefillSeconds,
    filterSeconds: (performance.now() - filterStarted) / 1000,
  };
}

/**
 * Stage 3 of the pipeline, instantiation (paper §3.2.1): for each task-plan pair of the app,
 * chooses a template document (lexical similarity to `description.json` and the documents' text,
 * or the model's choice), prefills a concrete request and an action plan against the template's
 * real controls in LibreOffice, and filters out what cannot be done, with the reason. Without a
 * model the prefill is the deterministic planner ({@link rehearsePlan}), which rehearses the plan
 * live; with one it is UFO's prefill prompt and filter prompt. Each task becomes one
 * `DataflowRecord` (UFO's instantiation record) appended to `out` as it is made; a rerun skips the
 * tasks already there.
 */
export async function runInstantiation(options: RunInstantiationOptions): Promise<InstantiationSummary> {
  const started = performance.now();
  const app = options.app ?? 'writer';
  const catalogue = loadTemplateCatalogue(options.templatesDir ?? defaultTemplatesDir(app), app);
  const pairs = await readPairs(options.inputs);
  const mine = pairs.filter((p) => (p.app ?? app) === app);
  const done = await recordedIds(options.out);
  const summary: InstantiationSummary = {
    out: options.out,
    tasks: mine.length,
    otherApp: pairs.length - mine.length,
    skipped: 0,
    attempted: 0,
    instantiated: 0,
    filtered: 0,
    reasons: {},
    templates: {},
    total: done.size,
    totalInstantiated: [...done.values()].filter((r) => r.instantiation.evaluation?.result?.judge === true)
      .length,
    seconds: 0,
  };
  const report =
    options.onProgress === undefined
      ? (p: InstantiationProgress) => {
          if (p.done % 10 === 0 || p.done === p.total)
            process.stderr.write(
              `instantiate: ${p.done}/${p.total} tasks, ${p.instantiated} instantiated, ${p.filtered} filtered\n`,
            );
        }
      : options.onProgress;
  const ownWorkbench = options.workbench === undefined;
  const workbench =
    options.workbench ??
    new WriterWorkbench({ documentsDir: options.documentsDir, ...options.workbenchOptions });
  const writer = openJsonlWriter(options.out, {
    schema: DataflowRecord,
    record: 'DataflowRecord',
    fsync: options.fsync ?? true,
    tornTail: 'newline',
  });
  const threshold = options.threshold ?? 80;
  const limit = options.maxTasks ?? Number.POSITIVE_INFINITY;
  const judgedNow = new Map<string, DataflowRecord>();
  try {
    for (const [i, pair] of mine.entries()) {
      if (summary.attempted >= limit) break;
      // The task on its best template; a task that selects text of the document also on the next ones.
      const read = readPlan(pair.plan);
      const selects = !('ok' in read) && read.intents.some((s) => s.some((x) => x.kind === 'select'));
      const ranked = scoreTemplates(pair.task, catalogue)
        .map((x, k) => ({ ...x, k }))
        .sort((a, b) => b.score - a.score || a.k - b.k);
      const variants = selects ? Math.max(1, options.templatesPerTask ?? 1) : 1;
      for (let v = 0; v < variants && v < ranked.length; v++) {
        const uniqueId =
          v === 0 ? pair.taskId : `${pair.taskId}@${(ranked[v]?.file ?? '').replace(/\.fodt$/i, '')}`;
        if (done.has(uniqueId)) {
          summary.skipped++;
          continue;
        }
        if (summary.attempted >= limit) break;
        const taskStarted = performance.now();
        const chosen =
          v > 0
            ? {
                template: catalogue.templates.find((t) => t.file === ranked[v]?.file) as TemplateInfo,
                score: Math.round((ranked[v]?.score ?? 0) * 1000) / 1000,
                method: 'lexical' as const,
              }
            : options.model === undefined
              ? chooseTemplate(pair.task, catalogue)
              : await chooseTemplateWithModel(pair.task, catalogue, { model: options.model });
        if (v > 0 && chosen.template.file === chooseTemplate(pair.task, catalogue).template.file) continue;
        summary.attempted++;
        const chooseSeconds = (performance.now() - taskStarted) / 1000;
        // A plan that reads as actions, of a composed task whose part failed its rehearsal: not rehearsed.
        const failedPart =
          options.model === undefined && !('ok' in read) ? filteredPart(pair, done, judgedNow) : undefined;
        let outcome =
          failedPart !== undefined
            ? rejected({ ok: false, reason: 'part-filtered', detail: failedPart }, 0)
            : options.model === undefined
              ? await rulesOutcome(pair, chosen.template, workbench, { threshold, name: uniqueId })
              : await modelOutcome(pair, chosen.template, workbench, options.model, uniqueId);
        if (outcome.method === 'model' && outcome.plan === undefined && options.model !== undefined) {
          // The model's answer was unusable: the deterministic planner is the fallback.
          const fallback = await rulesOutcome(pair, chosen.template, workbench, {
            threshold,
            name: uniqueId,
          });
          outcome = { ...fallback, prefillSeconds: fallback.prefillSeconds + outcome.prefillSeconds };
        }
        const judged = outcome.verdict.judge && outcome.plan !== undefined;
        if (judged) {
          summary.instantiated++;
          summary.totalInstantiated++;
          summary.templates[chosen.template.file] = (summary.templates[chosen.template.file] ?? 0) + 1;
        } else {
          summary.filtered++;
          const reason = outcome.reason ?? 'model';
          summary.reasons[reason] = (summary.reasons[reason] ?? 0) + 1;
        }
        const record: DataflowRecord = {
          uniqueId,
          app,
          original: { task: pair.task, steps: pair.plan },
          execution: null,
          instantiation: {
            chooseTemplate: {
              result: chosen.template.path,
              error: null,
              extra: {
                file: chosen.template.file,
                method: chosen.method,
                ...('score' in chosen ? { score: chosen.score } : { reason: chosen.reason }),
              },
            },
            prefill:
              outcome.plan === undefined || outcome.request === undefined
                ? { result: null, error: outcome.prefillError ?? 'no plan' }
                : { result: { request: outcome.request, plan: outcome.plan }, error: null },
            evaluation: {
              result: {
                judge: judged,
                thought: outcome.verdict.thought,
                requestType: outcome.verdict.type,
              },
              error: null,
            },
            extra: {
              method: outcome.method,
              ...(outcome.reason === undefined ? {} : { filterReason: outcome.reason }),
              ...(outcome.target === undefined
                ? {}
                : { target: { kind: outcome.target.kind, text: outcome.target.text } }),
              ...(outcome.notes === undefined || outcome.notes.length === 0 ? {} : { notes: outcome.notes }),
            },
          },
          timeCost: {
            chooseTemplate: round(chooseSeconds),
            prefill: round(outcome.prefillSeconds),
            instantiationEvaluation: round(outcome.filterSeconds),
            total: round((performance.now() - taskStarted) / 1000),
          },
          extra: {
            ...(pair.source === undefined ? {} : { source: pair.source }),
            ...(pair.evolvedFrom === undefined ? {} : { evolvedFrom: pair.evolvedFrom }),
            // The second task of a composed pair: the split keeps the record on the test side with it.
            ...(typeof pair.metadata?.composedWith === 'string'
              ? { composedWith: pair.metadata.composedWith }
              : {}),
            ...(v === 0 ? {} : { variantOf: pair.taskId }),
          },
        };
        writer.append(record);
        judgedNow.set(uniqueId, record);
        summary.total++;
      }
      report?.({
        done: i + 1,
        total: mine.length,
        taskId: pair.taskId,
        instantiated: summary.instantiated,
        filtered: summary.filtered,
      });
    }
  } finally {
    writer.close();
    if (ownWorkbench) await workbench.close();
  }
  summary.seconds = (performance.now() - started) / 1000;
  return summary;
}
