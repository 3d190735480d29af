import { z } from 'zod';
import { LAM_InvalidOptionsError } from '../errors';
import type { JsonSchema } from '../types';

/** Options of {@link decisionConstraint}. */
export const DecisionConstraintOptionsSchema = z.object({
  /** The labels of the controls in the current observation: the only values `control_label` may take. */
  controlLabels: z.array(z.string()),
  /** The registered function names: the only values `function` may take. */
  functionNames: z.array(z.string()),
  /** The allowed `status` values (default CONTINUE and FINISH, as in the paper's LAM format). */
  statuses: z.array(z.string()).min(1).optional(),
  /** Whether `control_label` and `function` may be "" (no action, e.g. when finished; default true). */
  allowEmpty: z.boolean().optional(),
  /** Upper bound on the length of `thought` in characters (default 1000). */
  maxThoughtLength: z.number().int().positive().optional(),
  /** Upper bound on the number of `plan` steps (default 20). */
  maxPlanSteps: z.number().int().min(0).optional(),
  /**
   * The JSON Schema of each function's `args`, by function name: `args` must then fit the function the
   * decision names (a function without an entry takes any object; `""` takes `{}` unless given). Parts a
   * constraint cannot follow (`pattern`, `anyOf` of scalars, bounds) are widened, so the decision may
   * still need checking against the function's own schema; keys, their order and their types hold.
   */
  functionArgs: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
});
export type DecisionConstraintOptions = z.infer<typeof DecisionConstraintOptionsSchema>;

/**
 * The JSON Schema of one LAM decision (the paper's output keys, in order: thought, control_label,
 * control_name, function, args, status, plan), with `control_label` limited to the observation's
 * labels and `function` to the registered functions, so a constrained decision always parses and never
 * names a control that does not exist.
 */
export function decisionConstraint(options: DecisionConstraintOptions): JsonSchema {
  const parsed = DecisionConstraintOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new LAM_InvalidOptionsError(
      parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`),
      'Pass { controlLabels: string[], functionNames: string[] }.',
    );
  }
  const o = parsed.data;
  const empty = (o.allowEmpty ?? true) ? [''] : [];
  const labels = [...new Set([...o.controlLabels, ...empty])];
  const functions = [...new Set([...o.functionNames, ...empty])];
  if (labels.length === 0 || functions.length === 0) {
    throw new LAM_InvalidOptionsError(
      [labels.length === 0 ? 'controlLabels is empty' : 'functionNames is empty'],
      'Give at least one control label and one function name, or leave allowEmpty on.',
    );
  }
  const decision = (fn: JsonSchema, args: JsonSchema): JsonSchema => ({
    type: 'object',
    properties: {
      thought: { type: 'string', maxLength: o.maxThoughtLength ?? 1000 },
      control_label: { type: 'string', enum: labels },
      control_name: { type: 'string', maxLength: 300 },
      function: fn,
      args,
      status: { type: 'string', enum: o.statuses ?? ['CONTINUE', 'FINISH'] },
      plan: { type: 'array', items: { type: 'string', maxLength: 500 }, maxItems: o.maxPlanSteps ?? 20 },
    },
    required: ['thought', 'control_label', 'control_name', 'function', 'args', 'status', 'plan'],
    additionalProperties: false,
  });
  const functionArgs = o.functionArgs;
  if (functionArgs === undefined) return decision({ type: 'string', enum: functions }, { type: 'object' });
  const argsOf = (name: string): JsonSchema => {
    const given = functionArgs[name];
    if (given !== undefined) return constraintSchema(given);
    return name === '' ? { type: 'object', additionalProperties: false } : { type: 'object' };
  };
  return { oneOf: functions.map((name) => decision({ const: name }, argsOf(name))) };
}

const WIDENED = new Set(['pattern', 'format', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']);

/**
 * A JSON Schema narrowed to what a constraint can follow, wider where it cannot: unions of other than
 * objects, `allOf`, `not`, `$ref` and type lists become "any value"; `pattern`, `format` and numeric
 * bounds are dropped. Objects keep their keys, in order, and which are required (none, when the schema
 * has no `required`).
 */
export function constraintSchema(schema: JsonSchema): JsonSchema {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return {};
  if (['anyOf', 'oneOf', 'allOf', 'not', '$ref', 'if'].some((k) => k in schema)) return {};
  if (Array.isArray(schema.type)) return {};
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (WIDENED.has(key)) continue;
    if (key === 'properties' && typeof value === 'object' && value !== null) {
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, JsonSchema>).map(([k, v]) => [k, constraintSchema(v)]),
      );
    } else if (key === 'items' && typeof value === 'object' && value !== null && !Array.isArray(value)) {
      out.items = constraintSchema(value as JsonSchema);
    } else if (key !== 'prefixItems' && key !== 'patternProperties') out[key] = value;
  }
  // JSON Schema's meaning: without "required", no property is (the constraint compiler's own default
  // writes every property, as a decision has all its keys).
  if (out.properties !== undefined && out.required === undefined) out.required = [];
  return out;
}
