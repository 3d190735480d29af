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
  return {
    type: 'object',
    properties: {
      thought: { type: 'string', maxLength: o.maxThoughtLength ?? 1000 },
      control_label: { type: 'string', enum: labels },
      control_name: { type: 'string', maxLength: 300 },
      function: { type: 'string', enum: functions },
      args: { type: 'object' },
      status: { type: 'string', enum: o.statuses ?? ['CONTINUE', 'FINISH'] },
      plan: { type: 'array', items: { type: 'string', maxLength: 500 }, maxItems: o.maxPlanSteps ?? 20 },
    },
    required: ['thought', 'control_label', 'control_name', 'function', 'args', 'status', 'plan'],
    additionalProperties: false,
  };
}
