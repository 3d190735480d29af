import { type Control, KNOWN_CONTROL_TYPES } from '@lam/schema';
import { z } from 'zod';

/** The viewport (or window) rectangle that "in the viewport" is measured against, in the controls' space. */
export const Viewport = z.strictObject({
  x: z.number().default(0),
  y: z.number().default(0),
  width: z.number().positive(),
  height: z.number().positive(),
});
export type Viewport = z.input<typeof Viewport>;

/**
 * Which controls to keep. Every criterion is optional; an absent state counts as "not known",
 * which passes (a backend that does not report `enabled` does not lose all its controls).
 */
export const ControlFilter = z.strictObject({
  /** Keep only these control types (e.g. UFO's list, {@link KNOWN_CONTROL_TYPES}). */
  types: z.array(z.string()).optional(),
  /** Drop these control types. */
  excludeTypes: z.array(z.string()).optional(),
  /** Drop controls whose `states.visible` is false (default true). */
  visibleOnly: z.boolean().optional(),
  /** Drop controls whose `states.enabled` is false (default true, as UFO's IsEnabled condition). */
  enabledOnly: z.boolean().optional(),
  /** Keep only controls whose rectangle intersects this viewport. */
  viewport: Viewport.optional(),
  /** Drop controls with an empty name (default false: an unnamed edit box is still useful). */
  namedOnly: z.boolean().optional(),
  /** Keep at most this many controls, in order. */
  limit: z.int().positive().optional(),
});
export type ControlFilter = z.input<typeof ControlFilter>;

/** The {@link ControlFilter} fields of a larger options object, such as a backend's `ObserveOptions`. */
export function pickControlFilter(options: object): ControlFilter {
  const filter: Record<string, unknown> = {};
  for (const key of Object.keys(ControlFilter.shape)) {
    const value = (options as Record<string, unknown>)[key];
    if (value !== undefined) filter[key] = value;
  }
  return filter as ControlFilter;
}

/** UFO's default control types (its `CONTROL_LIST`), re-exported for filters. */
export const UFO_CONTROL_TYPES: readonly string[] = KNOWN_CONTROL_TYPES;

function intersects(control: Control, viewport: z.output<typeof Viewport>): boolean {
  const r = control.rect;
  if (r === undefined) return false;
  return (
    r.x < viewport.x + viewport.width &&
    r.x + r.width > viewport.x &&
    r.y < viewport.y + viewport.height &&
    r.y + r.height > viewport.y
  );
}

/** Whether one control passes a filter (the `limit` aside). */
export function controlPasses(control: Control, filter: ControlFilter = {}): boolean {
  const f = ControlFilter.parse(filter);
  return passes(control, f, f.viewport ? Viewport.parse(f.viewport) : undefined);
}

function passes(
  control: Control,
  f: z.output<typeof ControlFilter>,
  viewport?: z.output<typeof Viewport>,
): boolean {
  if (f.types !== undefined && !f.types.includes(control.type)) return false;
  if (f.excludeTypes?.includes(control.type)) return false;
  if ((f.visibleOnly ?? true) && control.states?.visible === false) return false;
  if ((f.enabledOnly ?? true) && control.states?.enabled === false) return false;
  if ((f.namedOnly ?? false) && control.name.trim() === '') return false;
  if (viewport !== undefined && !intersects(control, viewport)) return false;
  return true;
}

/**
 * Keeps the controls that pass the filter, in their order. Labels are left as they are, so a
 * filtered list still points at the same controls; call {@link labelControls} to renumber.
 */
export function selectControls(controls: readonly Control[], filter: ControlFilter = {}): Control[] {
  const f = ControlFilter.parse(filter);
  const viewport = f.viewport ? Viewport.parse(f.viewport) : undefined;
  const kept = controls.filter((c) => passes(c, f, viewport));
  return f.limit === undefined ? kept : kept.slice(0, f.limit);
}

/** Options of {@link labelControls}. */
export const LabelOptions = z.strictObject({
  /** `number`: 1, 2, 3 (UFO's default); `letter`: A..Z, AA, AB (UFO's letter mode). */
  style: z.enum(['number', 'letter']).default('number'),
  /** The first label's index (default 1). */
  start: z.int().nonnegative().default(1),
});
export type LabelOptions = z.input<typeof LabelOptions>;

/** The label of the n-th control (1-based) in the given style: `12`, or `L` / `AB`. */
export function labelFor(n: number, style: 'number' | 'letter' = 'number'): string {
  if (style === 'number') return String(n);
  let out = '';
  let k = n;
  while (k > 0) {
    const r = (k - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    k = Math.floor((k - 1) / 26);
  }
  return out;
}

/**
 * Gives each control a label in list order (UFO labels in discovery order), returning new
 * control objects. Labels are stable within a step: the same list always gets the same labels,
 * and later filtering or budgeting keeps them (it never renumbers).
 */
export function labelControls(controls: readonly Control[], options: LabelOptions = {}): Control[] {
  const o = LabelOptions.parse(options);
  return controls.map((c, i) => ({ ...c, label: labelFor(o.start + i, o.style) }));
}

/** Flattens a control tree depth-first (pre-order), without the `children` arrays. */
export function flattenControls(root: Control | readonly Control[]): Control[] {
  const out: Control[] = [];
  const visit = (c: Control) => {
    const { children, ...rest } = c;
    out.push(rest);
    for (const child of children ?? []) visit(child);
  };
  for (const c of Array.isArray(root) ? root : [root as Control]) visit(c);
  return out;
}
