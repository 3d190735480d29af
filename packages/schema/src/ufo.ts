import { z } from 'zod';
import {
  type DataflowRecord,
  type DataflowTask,
  type InstantiatedStep,
  type InstantiatedTask,
  TaskPlanPair,
  TaskPlanSource,
} from './dataset';
import { LAM_ConversionError } from './errors';
import { FilterRequestType } from './evaluation';
import { JsonValue } from './json-value';
import { validate } from './validate';

type Json = JsonValue;
type JsonObject = Record<string, Json>;

const Args = z.record(z.string(), JsonValue);
const nullable = <T extends z.ZodType>(t: T) => t.nullable();

/** A plan step as UFO writes it (PAPER.md §2.4): PascalCase keys; unknown keys are kept. */
export const UfoPlanStep = z.looseObject({
  Step: z.int(),
  Subtask: z.string(),
  ControlLabel: nullable(z.string()).optional(),
  ControlText: z.string().optional(),
  Function: z.string(),
  Args,
  Success: nullable(z.boolean()).optional(),
  MatchedControlText: nullable(z.string()).optional(),
});
export type UfoPlanStep = z.infer<typeof UfoPlanStep>;

/**
 * A UFO dataflow record, instantiation or execution form (PAPER.md §2.5-2.6), as read from
 * `dataflow/results/**.json`. Unknown keys are allowed at every level and are kept.
 */
export const UfoDataflowRecord = z.looseObject({
  unique_id: z.string(),
  app: z.string(),
  original: z.looseObject({ original_task: z.string(), original_steps: z.array(z.string()) }),
  execution_result: nullable(
    z.looseObject({
      result: nullable(
        z.looseObject({
          reason: z.string(),
          sub_scores: z.record(z.string(), z.string()),
          complete: z.string(),
        }),
      ),
      error: nullable(z.looseObject({ type: z.string(), message: z.string(), traceback: z.string() })),
    }),
  ),
  instantiation_result: z.looseObject({
    choose_template: z.looseObject({ result: nullable(z.string()), error: nullable(z.string()) }).optional(),
    prefill: nullable(
      z.looseObject({
        result: nullable(
          z.looseObject({
            instantiated_request: z.string(),
            instantiated_plan: nullable(z.array(UfoPlanStep)),
          }),
        ),
        error: nullable(z.string()),
      }),
    ).optional(),
    instantiation_evaluation: z
      .looseObject({
        result: nullable(
          z.looseObject({ judge: z.boolean(), thought: z.string(), request_type: z.string() }),
        ),
        error: nullable(z.string()),
      })
      .optional(),
  }),
  time_cost: z.looseObject({
    choose_template: nullable(z.number()),
    prefill: nullable(z.number()),
    instantiation_evaluation: nullable(z.number()),
    execute: nullable(z.number()).optional(),
    execute_eval: nullable(z.number()).optional(),
    total: nullable(z.number()),
  }),
});
export type UfoDataflowRecord = z.infer<typeof UfoDataflowRecord>;

/** A UFO dataflow task input file (PAPER.md §2.2). */
export const UfoDataflowTask = z.looseObject({
  app: z.string(),
  unique_id: z.string(),
  task: z.string(),
  refined_steps: z.array(z.string()),
});
export type UfoDataflowTask = z.infer<typeof UfoDataflowTask>;

/** A task-plan pair with the paper's keys (PAPER.md §2.1). */
export const PaperTaskPlanPair = z.looseObject({
  task_id: z.string().min(1),
  task: z.string(),
  plan: z.array(z.string()),
});
export type PaperTaskPlanPair = z.infer<typeof PaperTaskPlanPair>;

/** The keys of `obj` not in `known`, or undefined when there are none. */
function extraOf(obj: object, known: readonly string[]): JsonObject | undefined {
  let extra: JsonObject | undefined;
  for (const [k, v] of Object.entries(obj)) {
    if (known.includes(k)) continue;
    extra ??= {};
    Object.defineProperty(extra, k, {
      value: v as Json,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return extra;
}

/** Adds `extra` to a camelCase object when there is any. */
function withExtra<T extends object>(
  out: T,
  source: object,
  known: readonly string[],
): T & { extra?: JsonObject } {
  const extra = extraOf(source, known);
  return extra === undefined ? out : { ...out, extra };
}

/** Appends `extra` keys to a UFO object, refusing ones that would overwrite a known key. */
function spread(out: JsonObject, extra: JsonObject | undefined, path: (string | number)[]): JsonObject {
  if (extra === undefined) return out;
  for (const [k, v] of Object.entries(extra)) {
    if (Object.hasOwn(out, k)) {
      throw new LAM_ConversionError({
        format: 'record to UFO JSON',
        path: [...path, 'extra', k],
        reason: `extra key "${k}" would overwrite the field of the same name`,
        fix: 'Rename or remove that key from "extra".',
      });
    }
    // defineProperty, so that a key such as "__proto__" is kept as data.
    Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

const STEP_KEYS = [
  'Step',
  'Subtask',
  'ControlLabel',
  'ControlText',
  'Function',
  'Args',
  'Success',
  'MatchedControlText',
];

/** Converts one UFO plan step (PascalCase) to an {@link InstantiatedStep}. */
export function fromUfoPlanStep(value: unknown): InstantiatedStep {
  const s = validate(UfoPlanStep, value, { record: 'UFO plan step' });
  return stepFromUfo(s);
}

function stepFromUfo(s: UfoPlanStep): InstantiatedStep {
  const out: InstantiatedStep = { step: s.Step, subtask: s.Subtask, function: s.Function, args: s.Args };
  if ('ControlLabel' in s) out.controlLabel = s.ControlLabel;
  if ('ControlText' in s) out.controlText = s.ControlText;
  if ('Success' in s) out.success = s.Success;
  if ('MatchedControlText' in s) out.matchedControlText = s.MatchedControlText;
  return withExtra(out, s, STEP_KEYS);
}

/** Converts an {@link InstantiatedStep} to UFO's PascalCase plan step. */
export function toUfoPlanStep(step: InstantiatedStep, path: (string | number)[] = []): JsonObject {
  const out: JsonObject = { Step: step.step, Subtask: step.subtask };
  if (step.controlLabel !== undefined) out.ControlLabel = step.controlLabel;
  if (step.controlText !== undefined) out.ControlText = step.controlText;
  out.Function = step.function;
  out.Args = step.args;
  if (step.success !== undefined) out.Success = step.success;
  if (step.matchedControlText !== undefined) out.MatchedControlText = step.matchedControlText;
  return spread(out, step.extra, path);
}

/**
 * Converts a UFO dataflow record (instantiation or execution form, PAPER.md §2.5-2.6) to a
 * {@link DataflowRecord}. Lossless: `toUfoDataflowRecord(fromUfoDataflowRecord(x))` deep-equals `x`;
 * keys this model has no field for are kept in `extra`. (A key named `__proto__` is the one
 * exception: zod drops it while validating, as a guard against prototype pollution.) Throws
 * {@link LAM_ValidationError} naming the field when the input does not match the UFO schema.
 */
export function fromUfoDataflowRecord(
  value: unknown,
  location: { file?: string; line?: number } = {},
): DataflowRecord {
  const r = validate(UfoDataflowRecord, value, { record: 'UFO dataflow record', ...location });
  const ir = r.instantiation_result;
  const instantiation: DataflowRecord['instantiation'] = {};
  if (ir.choose_template !== undefined) {
    const ct = ir.choose_template;
    instantiation.chooseTemplate = withExtra({ result: ct.result, error: ct.error }, ct, ['result', 'error']);
  }
  if (ir.prefill !== undefined) {
    const p = ir.prefill;
    instantiation.prefill =
      p === null
        ? null
        : withExtra(
            {
              result:
                p.result === null
                  ? null
                  : withExtra(
                      {
                        request: p.result.instantiated_request,
                        plan:
                          p.result.instantiated_plan === null
                            ? null
                            : p.result.instantiated_plan.map(stepFromUfo),
                      },
                      p.result,
                      ['instantiated_request', 'instantiated_plan'],
                    ),
              error: p.error,
            },
            p,
            ['result', 'error'],
          );
  }
  if (ir.instantiation_evaluation !== undefined) {
    const e = ir.instantiation_evaluation;
    instantiation.evaluation = withExtra(
      {
        result:
          e.result === null
            ? null
            : withExtra(
                { judge: e.result.judge, thought: e.result.thought, requestType: e.result.request_type },
                e.result,
                ['judge', 'thought', 'request_type'],
              ),
        error: e.error,
      },
      e,
      ['result', 'error'],
    );
  }
  const er = r.execution_result;
  const tc = r.time_cost;
  const timeCost: DataflowRecord['timeCost'] = {
    chooseTemplate: tc.choose_template,
    prefill: tc.prefill,
    instantiationEvaluation: tc.instantiation_evaluation,
    total: tc.total,
  };
  if ('execute' in tc) timeCost.execute = tc.execute;
  if ('execute_eval' in tc) timeCost.executeEval = tc.execute_eval;
  return withExtra(
    {
      uniqueId: r.unique_id,
      app: r.app,
      original: withExtra({ task: r.original.original_task, steps: r.original.original_steps }, r.original, [
        'original_task',
        'original_steps',
      ]),
      execution:
        er === null
          ? null
          : withExtra(
              {
                result:
                  er.result === null
                    ? null
                    : withExtra(
                        {
                          reason: er.result.reason,
                          subScores: er.result.sub_scores,
                          complete: er.result.complete,
                        },
                        er.result,
                        ['reason', 'sub_scores', 'complete'],
                      ),
                error:
                  er.error === null
                    ? null
                    : withExtra(
                        { type: er.error.type, message: er.error.message, traceback: er.error.traceback },
                        er.error,
                        ['type', 'message', 'traceback'],
                      ),
              },
              er,
              ['result', 'error'],
            ),
      instantiation: withExtra(instantiation, ir, ['choose_template', 'prefill', 'instantiation_evaluation']),
      timeCost: withExtra(timeCost, tc, [
        'choose_template',
        'prefill',
        'instantiation_evaluation',
        'execute',
        'execute_eval',
        'total',
      ]),
    },
    r,
    ['unique_id', 'app', 'original', 'execution_result', 'instantiation_result', 'time_cost'],
  );
}

/** Converts a {@link DataflowRecord} to UFO's dataflow JSON (snake_case root, PascalCase plan steps). */
export function toUfoDataflowRecord(record: DataflowRecord): JsonObject {
  const inst = record.instantiation;
  const ir: JsonObject = {};
  if (inst.chooseTemplate !== undefined) {
    const ct = inst.chooseTemplate;
    ir.choose_template = spread({ result: ct.result, error: ct.error }, ct.extra, [
      'instantiation',
      'chooseTemplate',
    ]);
  }
  if (inst.prefill !== undefined) {
    const p = inst.prefill;
    ir.prefill =
      p === null
        ? null
        : spread(
            {
              result:
                p.result === null
                  ? null
                  : spread(
                      {
                        instantiated_request: p.result.request,
                        instantiated_plan:
                          p.result.plan === null
                            ? null
                            : p.result.plan.map((s, i) =>
                                toUfoPlanStep(s, ['instantiation', 'prefill', 'result', 'plan', i]),
                              ),
                      },
                      p.result.extra,
                      ['instantiation', 'prefill', 'result'],
                    ),
              error: p.error,
            },
            p.extra,
            ['instantiation', 'prefill'],
          );
  }
  if (inst.evaluation !== undefined) {
    const e = inst.evaluation;
    ir.instantiation_evaluation = spread(
      {
        result:
          e.result === null
            ? null
            : spread(
                { judge: e.result.judge, thought: e.result.thought, request_type: e.result.requestType },
                e.result.extra,
                ['instantiation', 'evaluation', 'result'],
              ),
        error: e.error,
      },
      e.extra,
      ['instantiation', 'evaluation'],
    );
  }
  const ex = record.execution;
  const tc = record.timeCost;
  const timeCost: JsonObject = {
    choose_template: tc.chooseTemplate,
    prefill: tc.prefill,
    instantiation_evaluation: tc.instantiationEvaluation,
  };
  if (tc.execute !== undefined) timeCost.execute = tc.execute;
  if (tc.executeEval !== undefined) timeCost.execute_eval = tc.executeEval;
  timeCost.total = tc.total;
  return spread(
    {
      unique_id: record.uniqueId,
      app: record.app,
      original: spread(
        { original_task: record.original.task, original_steps: record.original.steps },
        record.original.extra,
        ['original'],
      ),
      execution_result:
        ex === null
          ? null
          : spread(
              {
                result:
                  ex.result === null
                    ? null
                    : spread(
                        {
                          reason: ex.result.reason,
                          sub_scores: ex.result.subScores,
                          complete: ex.result.complete,
                        },
                        ex.result.extra,
                        ['execution', 'result'],
                      ),
                error:
                  ex.error === null
                    ? null
                    : spread(
                        { type: ex.error.type, message: ex.error.message, traceback: ex.error.traceback },
                        ex.error.extra,
                        ['execution', 'error'],
                      ),
              },
              ex.extra,
              ['execution'],
            ),
      instantiation_result: spread(ir, inst.extra, ['instantiation']),
      time_cost: spread(timeCost, tc.extra, ['timeCost']),
    },
    record.extra,
    [],
  );
}

/**
 * Converts a UFO dataflow task input (PAPER.md §2.2) to a {@link DataflowTask}. The file
 * name, which UFO uses as the document name, is not in the JSON: pass it as `name`.
 */
export function fromUfoDataflowTask(value: unknown, options: { name?: string } = {}): DataflowTask {
  const t = validate(UfoDataflowTask, value, { record: 'UFO dataflow task' });
  const out: DataflowTask = {
    app: t.app,
    uniqueId: t.unique_id,
    task: t.task,
    refinedSteps: t.refined_steps,
  };
  if (options.name !== undefined) out.name = options.name;
  return withExtra(out, t, ['app', 'unique_id', 'task', 'refined_steps']);
}

/** Converts a {@link DataflowTask} to UFO's task input JSON (the `name` is the file name, not a key). */
export function toUfoDataflowTask(task: DataflowTask): JsonObject {
  return spread(
    { app: task.app, unique_id: task.uniqueId, task: task.task, refined_steps: task.refinedSteps },
    task.extra,
    [],
  );
}

/**
 * Converts a task-plan pair with the paper's keys (`task_id`, `task`, `plan`, and optionally
 * `app`, `source`, `evolved_from`) to a {@link TaskPlanPair}; other keys go to `metadata`.
 */
export function fromPaperTaskPlanPair(value: unknown): TaskPlanPair {
  const p = validate(PaperTaskPlanPair, value, { record: 'task-plan pair' });
  const out: TaskPlanPair = { taskId: p.task_id, task: p.task, plan: p.plan };
  const known = ['task_id', 'task', 'plan'];
  if (typeof p.app === 'string') {
    out.app = p.app;
    known.push('app');
  }
  const source = TaskPlanSource.safeParse(p.source);
  if (source.success) {
    out.source = source.data;
    known.push('source');
  }
  if (typeof p.evolved_from === 'string') {
    out.evolvedFrom = p.evolved_from;
    known.push('evolved_from');
  }
  const metadata = extraOf(p, known);
  if (metadata !== undefined) out.metadata = metadata;
  return validate(TaskPlanPair, out, { record: 'task-plan pair' });
}

/** Converts a {@link TaskPlanPair} to the paper's keys; `metadata` keys are spread at the root. */
export function toPaperTaskPlanPair(pair: TaskPlanPair): JsonObject {
  const out: JsonObject = { task_id: pair.taskId, task: pair.task, plan: pair.plan };
  if (pair.app !== undefined) out.app = pair.app;
  if (pair.source !== undefined) out.source = pair.source;
  if (pair.evolvedFrom !== undefined) out.evolved_from = pair.evolvedFrom;
  return spread(out, pair.metadata, []);
}

/**
 * Extracts the {@link InstantiatedTask} of a dataflow record: the concrete request, the plan, the
 * template and the filter verdict. Throws {@link LAM_ConversionError} when prefill produced no plan.
 */
export function instantiatedTaskFromRecord(record: DataflowRecord): InstantiatedTask {
  const prefill = record.instantiation.prefill;
  if (prefill?.result === null || prefill?.result === undefined || prefill.result.plan === null) {
    throw new LAM_ConversionError({
      format: 'dataflow record to instantiated task',
      path: ['instantiation', 'prefill', 'result'],
      reason: `task ${JSON.stringify(record.uniqueId)} has no instantiated plan${prefill?.error ? ` (prefill error: ${prefill.error})` : ''}`,
      fix: 'Run instantiation again for this task, or leave it out of the set.',
    });
  }
  const task: InstantiatedTask = {
    uniqueId: record.uniqueId,
    app: record.app,
    originalTask: record.original.task,
    originalSteps: record.original.steps,
    templatePath: record.instantiation.chooseTemplate?.result ?? null,
    request: prefill.result.request,
    plan: prefill.result.plan,
  };
  const evaluation = record.instantiation.evaluation?.result;
  if (evaluation !== undefined && evaluation !== null) {
    const type = FilterRequestType.safeParse(evaluation.requestType);
    task.filter = {
      judge: evaluation.judge,
      thought: evaluation.thought,
      type: type.success ? type.data : evaluation.judge ? 'None' : 'Others',
    };
  }
  return task;
}
