import { z } from 'zod';
import { LAM_InvalidOptionsError } from '../errors';
import type { JsonSchema } from '../types';

/** Options of {@link decisionConstraint}. */
export const DecisionConstraintOptionsSchema = z
  .object({
    /** The labels of the controls in the current observation: the only values `control_label` may take. */
    controlLabels: z.array(z.string()).optional(),
    /**
     * The controls of the current observation, label and name (instead of `controlLabels`): the
     * decision's `control_name` is then the name of the control its `control_label` names, never a
     * name of its own making.
     */
    controls: z.array(z.object({ label: z.string(), name: z.string() })).optional(),
    /**
     * Whether `control_name` comes before `control_label` (default false: the paper's order). With
     * `controls`, a decision then names a listed control and its label is one of that name's labels: a
     * small model names the control it means and the label follows (the `compact` prompt style).
     */
    nameFirst: z.boolean().optional(),
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
  })
  .refine((o) => (o.controlLabels === undefined) !== (o.controls === undefined), {
    message: 'give either controlLabels or controls',
    path: ['controlLabels'],
  });
export type DecisionConstraintOptions = z.infer<typeof DecisionConstraintOptionsSchema>;

/**
 * The JSON Schema of one LAM decision (the paper's output keys, in order: thought, control_label,
 * control_name, function, args, status, plan; `nameFirst` swaps the two control keys), with
 * `control_label` limited to the observation's labels (and, given `controls`, `control_name` to the
 * name of the labelled control) and `function` to the registered functions, so a constrained decision
 * always parses and never names a control that does not exist.
 */
export function decisionConstraint(options: DecisionConstraintOptions): JsonSchema {
  const parsed = DecisionConstraintOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new LAM_InvalidOptionsError(
      parsed.error.issues.map((i) => `${i.path.join('.') || 'options'}: ${i.message}`),
      'Pass { controlLabels: string[], functionNames: string[] } or { controls: { label, name }[], functionNames: string[] }.',
    );
  }
  const o = parsed.data;
  const allowEmpty = o.allowEmpty ?? true;
  const labels = [
    ...new Set([...(o.controlLabels ?? o.controls!.map((c) => c.label)), ...(allowEmpty ? [''] : [])]),
  ];
  const functions = [...new Set([...o.functionNames, ...(allowEmpty ? [''] : [])])];
  if (labels.length === 0 || functions.length === 0) {
    throw new LAM_InvalidOptionsError(
      [labels.length === 0 ? 'there are no controls' : 'functionNames is empty'],
      'Give at least one control and one function name, or leave allowEmpty on.',
    );
  }
  // The pairs of control_label and control_name a decision may write, as schemas of the two keys.
  const anyName: JsonSchema = { type: 'string', maxLength: 300 };
  type Pair = { label: JsonSchema; name: JsonSchema };
  let pairs: Pair[];
  if (o.controls === undefined) pairs = [{ label: { type: 'string', enum: labels }, name: anyName }];
  else {
    const named = [...o.controls, ...(allowEmpty ? [{ label: '', name: '' }] : [])];
    if (o.nameFirst) {
      const byName = new Map<string, string[]>();
      for (const c of named) byName.set(c.name, [...new Set([...(byName.get(c.name) ?? []), c.label])]);
      pairs = [...byName].map(([name, ls]) => ({
        label: { type: 'string', enum: ls },
        name: { const: name },
      }));
    } else {
      const byLabel = new Map(named.map((c) => [c.label, c.name]));
      pairs = [...byLabel].map(([label, name]) => ({ label: { const: label }, name: { const: name } }));
    }
  }
  // One schema object per part, shared by the branches, so that each compiles once.
  const thought: JsonSchema = { type: 'string', maxLength: o.maxThoughtLength ?? 1000 };
  const status: JsonSchema = { type: 'string', enum: o.statuses ?? ['CONTINUE', 'FINISH'] };
  const plan: JsonSchema = {
    type: 'array',
    items: { type: 'string', maxLength: 500 },
    maxItems: o.maxPlanSteps ?? 20,
  };
  const decision = (pair: Pair, fn: JsonSchema, args: JsonSchema): JsonSchema => {
    const control = o.nameFirst
      ? { control_name: pair.name, control_label: pair.label }
      : { control_label: pair.label, control_name: pair.name };
    return {
      type: 'object',
      properties: { thought, ...control, function: fn, args, status, plan },
      required: ['thought', ...Object.keys(control), 'function', 'args', 'status', 'plan'],
      additionalProperties: false,
    };
  };
  const functionArgs = o.functionArgs;
  const argsOf = (name: string): JsonSchema => {
    const given = functionArgs?.[name];
    if (given !== undefined) return constraintSchema(given);
    return name === '' ? { type: 'object', additionalProperties: false } : { type: 'object' };
  };
  const perFunction = functions.map((name) => ({ fn: { const: name } as JsonSchema, args: argsOf(name) }));
  const branches =
    functionArgs === undefined
      ? pairs.map((pair) => decision(pair, { type: 'string', enum: functions }, { type: 'object' }))
      : pairs.flatMap((pair) => perFunction.map((f) => decision(pair, f.fn, f.args)));
  return branches.length === 1 ? branches[0]! : { oneOf: branches };
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
