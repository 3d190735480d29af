import type { Control } from '@lam/schema';
import { z } from 'zod';

/** One control as UFO's prompts show it (PAPER.md §3.4): `{label, control_text, control_type}`. */
export interface UfoControlItem {
  label: string;
  control_text: string;
  control_type: string;
  /** Centre as fractions of the viewport, when `position` is asked for (the paper's Fig. 9). */
  position?: [number, number];
  /** Current value of an edit, combo box or cell, when `values` is asked for. */
  value?: string;
  /** True states (`checked`, `selected`, `expanded`, `focused`), when `states` is asked for; `disabled` too. */
  states?: string[];
}

/** Options shared by the serialisers and the token budget. */
export const SerializeOptions = z.strictObject({
  /** `ufo`: a JSON list of {@link UfoControlItem} (the paper's training format); `compact`: one line per control. */
  format: z.enum(['ufo', 'compact']).default('ufo'),
  /** Add each control's value (text of edits, selected option). Default false (UFO shows none). */
  values: z.boolean().default(false),
  /** Add true states (checked, selected, expanded, focused, disabled). Default false. */
  states: z.boolean().default(false),
  /** Add the centre as viewport fractions; needs this viewport size (in the rects' space). */
  position: z.strictObject({ width: z.number().positive(), height: z.number().positive() }).optional(),
  /** Values longer than this are cut with "…". Default 80. */
  maxValueLength: z.int().positive().default(80),
});
export type SerializeOptions = z.input<typeof SerializeOptions>;
type Resolved = z.output<typeof SerializeOptions>;

const STATE_NAMES = ['checked', 'selected', 'expanded', 'pressed', 'focused'] as const;

function statesOf(control: Control): string[] {
  const out: string[] = [];
  const s = control.states ?? {};
  for (const k of STATE_NAMES) if (s[k] === true) out.push(k);
  if (s.expanded === false) out.push('collapsed');
  if (s.enabled === false) out.push('disabled');
  return out;
}

function cut(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** The UFO-form item of one control. */
export function toUfoItem(control: Control, options: SerializeOptions = {}): UfoControlItem {
  return ufoItem(control, SerializeOptions.parse(options));
}

function ufoItem(control: Control, o: Resolved): UfoControlItem {
  const item: UfoControlItem = {
    label: control.label,
    control_text: control.name,
    control_type: control.type,
  };
  if (o.position !== undefined && control.rect !== undefined) {
    const r = control.rect;
    item.position = [
      round3((r.x + r.width / 2) / o.position.width),
      round3((r.y + r.height / 2) / o.position.height),
    ];
  }
  if (o.values && control.value !== undefined && control.value !== '')
    item.value = cut(control.value, o.maxValueLength);
  if (o.states) {
    const s = statesOf(control);
    if (s.length > 0) item.states = s;
  }
  return item;
}

function compactLine(control: Control, o: Resolved): string {
  let line = `[${control.label}] ${control.type} ${JSON.stringify(control.name)}`;
  if (o.values && control.value !== undefined && control.value !== '') {
    line += ` = ${JSON.stringify(cut(control.value, o.maxValueLength))}`;
  }
  if (o.states) {
    const s = statesOf(control);
    if (s.length > 0) line += ` (${s.join(', ')})`;
  }
  if (o.position !== undefined && control.rect !== undefined) {
    const r = control.rect;
    line += ` @${round3((r.x + r.width / 2) / o.position.width)},${round3((r.y + r.height / 2) / o.position.height)}`;
  }
  return line;
}

/** The text of one control in the chosen format (a JSON object, or a compact line). */
export function serializeControl(control: Control, options: SerializeOptions = {}): string {
  const o = SerializeOptions.parse(options);
  return o.format === 'ufo' ? JSON.stringify(ufoItem(control, o)) : compactLine(control, o);
}

/**
 * Serialises a control list for a prompt.
 * - `ufo` (default): `[{"label":"1","control_text":"Save","control_type":"Button"}, ...]`, the
 *   `{control_item}` of the paper's LAM prompt (App. C);
 * - `compact`: `[1] Button "Save"` lines, about 40% fewer tokens.
 */
export function serializeControls(controls: readonly Control[], options: SerializeOptions = {}): string {
  const o = SerializeOptions.parse(options);
  if (o.format === 'ufo') return `[${controls.map((c) => JSON.stringify(ufoItem(c, o))).join(', ')}]`;
  return controls.map((c) => compactLine(c, o)).join('\n');
}
