import { z } from 'zod';

/**
 * The four spellings of decision keys (PAPER.md §9.4):
 * - `lam`: the paper's App. C, snake_case (`control_label`, `control_name`);
 * - `ufo`: UFO's AppAgent, PascalCase (`ControlLabel`, `ControlText`);
 * - `dataflow`: UFO's dataflow plan steps (`Step`, `Subtask`, `ControlLabel`, `ControlText`, `Function`, `Args`);
 * - `camel`: the paper's figures and this toolkit, camelCase (`controlLabel`, `controlText`).
 */
export const KeyConvention = z.enum(['lam', 'ufo', 'dataflow', 'camel']);
export type KeyConvention = z.infer<typeof KeyConvention>;

/** How a convention spells the fields of a function call. */
export function callKeys(convention: KeyConvention): { function: string; args: string } {
  return convention === 'ufo' || convention === 'dataflow'
    ? { function: 'Function', args: 'Args' }
    : { function: 'function', args: 'args' };
}
