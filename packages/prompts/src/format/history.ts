import { formatActionCall, Step } from '@lam/schema';
import { z } from 'zod';
import { formatJson } from './json';

/**
 * One entry of the step history shown to the model, with UFO's `HISTORY_KEYS`:
 * - `Step`: the 1-based step number;
 * - `ControlText`: the name of the control the model chose (`""` when none);
 * - `Subtask`: the sub-task the step belonged to (left out when the step has none);
 * - `Action`: the call in UFO's Python form, `click_input(button='left', double=False)` (`""` for no action);
 * - `Results`: what the action returned: its output as text, `"ERROR: <message>"` when it failed,
 *   `"NOT EXECUTED"` when it was not run (denied, declined, or no action);
 * - `UserConfirm`: `"Yes"` / `"No"` when the user was asked to confirm the action; left out otherwise.
 */
export const HistoryItem = z.strictObject({
  Step: z.int().positive(),
  ControlText: z.string(),
  Subtask: z.string().optional(),
  Action: z.string(),
  Results: z.string(),
  UserConfirm: z.enum(['Yes', 'No']).optional(),
});
export type HistoryItem = z.infer<typeof HistoryItem>;

/** A step as the history inputs of templates accept it: a `@lam/schema` Step, or a ready {@link HistoryItem}. */
export const HistoryEntry = z.union([HistoryItem, Step]);
export type HistoryEntry = z.input<typeof HistoryEntry>;

function resultText(step: Step): string {
  if (step.result === undefined) return 'NOT EXECUTED';
  if (!step.result.ok) return `ERROR: ${step.result.error ?? 'the action failed'}`;
  const output = step.result.output;
  if (output === undefined || output === null) return '';
  return typeof output === 'string' ? output : formatJson(output);
}

/** Converts a recorded step to its history entry (see {@link HistoryItem} for each key). */
export function toHistoryItem(step: Step): HistoryItem {
  const { decision } = step;
  const item: HistoryItem = {
    Step: step.index,
    ControlText: decision.controlName,
    Action:
      decision.function === '' ? '' : formatActionCall({ function: decision.function, args: decision.args }),
    Results: resultText(step),
  };
  if (step.subtask !== undefined) item.Subtask = step.subtask;
  const confirmed = step.safety?.userConfirmed;
  if (confirmed !== undefined) item.UserConfirm = confirmed ? 'Yes' : 'No';
  return item;
}

/**
 * The step history of the prompts (`{step_history}`, `<Previous Actions:>`): a JSON list of
 * {@link HistoryItem}s in step order, on one line, keys in the order Step, ControlText,
 * Subtask, Action, Results, UserConfirm. No history gives `[]`.
 */
export function formatStepHistory(entries: readonly (Step | HistoryItem)[]): string {
  const items = entries.map((e) => ('Step' in e ? e : toHistoryItem(e)));
  return formatJson(
    items.map((i) => ({
      Step: i.Step,
      ControlText: i.ControlText,
      Subtask: i.Subtask,
      Action: i.Action,
      Results: i.Results,
      UserConfirm: i.UserConfirm,
    })),
  );
}

/** Results longer than this are cut with "…" in the compact history. */
const COMPACT_RESULT_LENGTH = 60;

/**
 * The step history in compact form, one line per step:
 * `1. click_input(button='left', double=False) on "Bold": ok` — the action (or `no action`), the
 * control's name, and the result (`ok` for an empty one, cut to 60 characters).
 */
export function formatCompactHistory(entries: readonly (Step | HistoryItem)[]): string {
  return entries
    .map((e) => ('Step' in e ? e : toHistoryItem(e)))
    .map((item) => {
      const on = item.ControlText === '' ? '' : ` on ${JSON.stringify(item.ControlText)}`;
      const flat = item.Results.replace(/\s+/g, ' ').trim();
      const result =
        flat === ''
          ? 'ok'
          : flat.length > COMPACT_RESULT_LENGTH
            ? `${flat.slice(0, COMPACT_RESULT_LENGTH - 1)}…`
            : flat;
      return `${item.Step}. ${item.Action === '' ? 'no action' : item.Action}${on}: ${result}`;
    })
    .join('\n');
}
