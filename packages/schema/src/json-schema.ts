import { z } from 'zod';
import { ActionCall, type ActionDefinition, BuiltinAction } from './action';
import { Control, ControlSummary, CoordinateSpace, Rect, ResolvedControl } from './control';
import { DataflowRecord, DataflowTask, InstantiatedStep, InstantiatedTask, TaskPlanPair } from './dataset';
import { Decision, LamOutput, UfoAppAgentOutput } from './decision';
import {
  ExecutionEvaluation,
  FilterVerdict,
  OfflineStepEvalRecord,
  OfflineTaskEvalRecord,
  OnlineEvalRecord,
  PaperPlanningJudgement,
  PaperTaskActionEvaluation,
  PlanningEvalRecord,
  PlanningJudgement,
  TaskActionEvaluation,
} from './evaluation';
import { JsonValue, jsonValueJsonSchema } from './json-value';
import { Observation, ObservationSummary, ScreenshotRef } from './observation';
import { PreferencePair, SftSample, StepRewardSample } from './training';
import {
  ActionResult,
  SafetyVerdict,
  Session,
  Step,
  TokenUsage,
  Trajectory,
  TrajectoryLogRecord,
} from './trajectory';
import { UfoDataflowRecord, UfoDataflowTask, UfoPlanStep } from './ufo';

/** Every named schema of the package, by name: what {@link jsonSchemas} exports. */
export const SCHEMAS = {
  CoordinateSpace,
  Rect,
  Control,
  ControlSummary,
  ResolvedControl,
  ScreenshotRef,
  Observation,
  ObservationSummary,
  ActionCall,
  BuiltinAction,
  Decision,
  LamOutput,
  UfoAppAgentOutput,
  SafetyVerdict,
  ActionResult,
  TokenUsage,
  Step,
  Trajectory,
  Session,
  TrajectoryLogRecord,
  TaskPlanPair,
  DataflowTask,
  InstantiatedStep,
  InstantiatedTask,
  DataflowRecord,
  ExecutionEvaluation,
  TaskActionEvaluation,
  PaperTaskActionEvaluation,
  FilterVerdict,
  PlanningJudgement,
  PaperPlanningJudgement,
  PlanningEvalRecord,
  OfflineStepEvalRecord,
  OfflineTaskEvalRecord,
  OnlineEvalRecord,
  SftSample,
  StepRewardSample,
  PreferencePair,
  UfoPlanStep,
  UfoDataflowRecord,
  UfoDataflowTask,
} as const satisfies Record<string, z.ZodType>;

/** The name of a schema in {@link SCHEMAS}. */
export type SchemaName = keyof typeof SCHEMAS;

/** Options of {@link toJsonSchema}. */
export interface JsonSchemaOptions {
  /**
   * `output` (default): the shape of parsed records, as written to files (fields with defaults
   * are required). `input`: what a producer may write (fields with defaults are optional).
   */
  io?: 'input' | 'output';
  /** JSON Schema dialect (default `draft-2020-12`). */
  target?: 'draft-2020-12' | 'draft-07';
}

/**
 * Exports a zod schema as a JSON Schema object (via zod's `z.toJSONSchema`). A {@link JsonValue}
 * field is a reference to one recursive `JsonValue` definition (`$defs`, or `definitions` in
 * draft-07).
 */
export function toJsonSchema(schema: z.ZodType, options: JsonSchemaOptions = {}): Record<string, unknown> {
  const target = options.target ?? 'draft-2020-12';
  const defs = target === 'draft-07' ? 'definitions' : '$defs';
  const ref = `#/${defs}/JsonValue`;
  let referenced = false;
  const out = z.toJSONSchema(schema, {
    io: options.io ?? 'output',
    target,
    unrepresentable: 'any',
    override: (ctx) => {
      if (ctx.zodSchema !== JsonValue) return;
      for (const key of Object.keys(ctx.jsonSchema)) delete (ctx.jsonSchema as Record<string, unknown>)[key];
      ctx.jsonSchema.$ref = ref;
      referenced = true;
    },
  }) as Record<string, unknown>;
  if (referenced) {
    out[defs] = {
      ...(out[defs] as Record<string, unknown> | undefined),
      JsonValue: jsonValueJsonSchema(ref),
    };
  }
  return out;
}

/**
 * A function's keyword arguments as JSON Schema, as the model writes them (input side: an argument
 * with a default may be left out). For prompts and for constraining `args` to the function.
 */
export function argumentsJsonSchema(definition: Pick<ActionDefinition, 'args'>): Record<string, unknown> {
  return toJsonSchema(definition.args, { io: 'input' });
}

/** Exports every schema of {@link SCHEMAS} as JSON Schema, by name, each with a `title`. */
export function jsonSchemas(options: JsonSchemaOptions = {}): Record<SchemaName, Record<string, unknown>> {
  const out = {} as Record<SchemaName, Record<string, unknown>>;
  for (const [name, schema] of Object.entries(SCHEMAS) as [SchemaName, z.ZodType][]) {
    out[name] = { title: name, ...toJsonSchema(schema, options) };
  }
  return out;
}
