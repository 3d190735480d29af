import { z } from 'zod';
import { formatJson } from './json';

/**
 * A control as prompts show it: its label, name (UFO `control_text`) and type. A full
 * `Control` or `ControlSummary` from `@lam/schema` fits; other fields are ignored.
 */
export const ControlItem = z.object({
  label: z.string(),
  name: z.string(),
  type: z.string(),
});
export type ControlItem = z.infer<typeof ControlItem>;

/** A control in UFO's prompt form (PAPER.md §3.4). */
export interface UfoControlItem {
  label: string;
  control_text: string;
  control_type: string;
}

/** Converts controls to UFO's prompt form `{label, control_text, control_type}`. */
export function toUfoControlItems(controls: readonly ControlItem[]): UfoControlItem[] {
  return controls.map((c) => ({ label: c.label, control_text: c.name, control_type: c.type }));
}

/**
 * The control list as prompts show it: UFO's JSON list
 * `[{"label": "1", "control_text": "Bold", "control_type": "Button"}, ...]` on one line.
 */
export function formatControlList(controls: readonly ControlItem[]): string {
  return formatJson(toUfoControlItems(controls));
}

/**
 * The control list in compact form, one line per control: `[3] Button "Bold"` (label, type, name as a
 * JSON string): the form of `@lam/grounding`'s `serializeControls(..., { format: 'compact' })`, about
 * 40% fewer tokens than UFO's JSON list.
 */
export function formatCompactControls(controls: readonly ControlItem[]): string {
  return controls.map((c) => `[${c.label}] ${c.type} ${JSON.stringify(c.name)}`).join('\n');
}

/** A node of the control tree shown to the task-action evaluator (paper App. B.2). */
export interface ControlTreeItem {
  control_label: string;
  control_text: string;
  control_type: string;
  selected: boolean | null;
  children: ControlTreeItem[];
}

/** A control with states and children, as `@lam/schema`'s `Control` holds it. */
export interface ControlTreeInput extends ControlItem {
  states?: { selected?: boolean | undefined; checked?: boolean | undefined } | undefined;
  children?: readonly ControlTreeInput[] | undefined;
}

/**
 * Converts a control tree to the evaluator's hybrid form
 * `{control_label, control_text, control_type, selected, children}` (PAPER.md §3.4);
 * `selected` is the control's selected or checked state, `null` when unknown.
 */
export function toControlTree(control: ControlTreeInput): ControlTreeItem {
  const selected = control.states?.selected ?? control.states?.checked ?? null;
  return {
    control_label: control.label,
    control_text: control.name,
    control_type: control.type,
    selected,
    children: (control.children ?? []).map(toControlTree),
  };
}
