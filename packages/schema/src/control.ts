import { z } from 'zod';
import { JsonValue } from './json-value';

/**
 * The coordinate spaces a rectangle can be expressed in.
 * - `normalized`: fractions 0..1 of the window or image, origin top-left (UFO's click_on_coordinates, model output);
 * - `image`: pixels of a screenshot image;
 * - `logical`: device-independent (CSS / logical) pixels of the screen;
 * - `physical`: physical screen pixels (logical × scale factor).
 */
export const CoordinateSpace = z.enum(['normalized', 'image', 'logical', 'physical']);
export type CoordinateSpace = z.infer<typeof CoordinateSpace>;

/** An axis-aligned rectangle: top-left corner, size, and the space its numbers are in. */
export const Rect = z.strictObject({
  x: z.number(),
  y: z.number(),
  width: z.number().nonnegative(),
  height: z.number().nonnegative(),
  space: CoordinateSpace,
});
export type Rect = z.infer<typeof Rect>;

/** A point in a given coordinate space. */
export const Point = z.strictObject({ x: z.number(), y: z.number(), space: CoordinateSpace });
export type Point = z.infer<typeof Point>;

/**
 * The states of a control. Every state is optional: absent means the backend did not report it.
 */
export const ControlStates = z.strictObject({
  enabled: z.boolean().optional(),
  visible: z.boolean().optional(),
  focused: z.boolean().optional(),
  focusable: z.boolean().optional(),
  selected: z.boolean().optional(),
  checked: z.boolean().optional(),
  expanded: z.boolean().optional(),
  editable: z.boolean().optional(),
  pressed: z.boolean().optional(),
});
export type ControlStates = z.infer<typeof ControlStates>;

/**
 * The control types UFO shows to the model (its `CONTROL_LIST`). `Control.type` is an open
 * string: backends may report others (`Text`, `CheckBox`, `Table`, ...).
 */
export const KNOWN_CONTROL_TYPES = [
  'Button',
  'Edit',
  'TabItem',
  'Document',
  'ListItem',
  'MenuItem',
  'ScrollBar',
  'TreeItem',
  'Hyperlink',
  'ComboBox',
  'RadioButton',
  'DataItem',
  'Spinner',
] as const;

export { JsonValue };

/** Free-form JSON metadata attached to a record. */
export const Metadata = z.record(z.string(), JsonValue);
export type Metadata = z.infer<typeof Metadata>;

/** A UI control as observed: what the model sees (label, name, type) and what grounding needs. */
export interface Control {
  /** The label the model refers to, e.g. `"12"` (UFO: numbers in discovery order). */
  label: string;
  /** The control's accessible name / text (UFO `control_text`, UIA `Name`). */
  name: string;
  /** The control type, e.g. `Button`, `Edit` (see {@link KNOWN_CONTROL_TYPES}). */
  type: string;
  /** Its bounding box, with its coordinate space. */
  rect?: Rect | undefined;
  states?: ControlStates | undefined;
  /** Current value or text content, for edits, cells, combo boxes. */
  value?: string | undefined;
  /** Stable id from the backend (UIA AutomationId, DOM id). */
  automationId?: string | undefined;
  /** Backend class name (UIA ClassName, AT-SPI role name). */
  className?: string | undefined;
  /** An opaque reference only the backend that produced it understands (a CDP node id, an AT-SPI path). */
  backendRef?: JsonValue | undefined;
  /** Child controls, when the observation carries a tree. */
  children?: Control[] | undefined;
}

/** Zod schema of {@link Control} (recursive through `children`). */
export const Control: z.ZodType<Control> = z.strictObject({
  label: z.string(),
  name: z.string(),
  type: z.string(),
  rect: Rect.optional(),
  states: ControlStates.optional(),
  value: z.string().optional(),
  automationId: z.string().optional(),
  className: z.string().optional(),
  backendRef: JsonValue.optional(),
  get children() {
    return z.array(Control).optional();
  },
});

/** The three fields the paper's prompts show per control: `{label, control_text, control_type}`. */
export const ControlSummary = z.strictObject({
  label: z.string(),
  name: z.string(),
  type: z.string(),
});
export type ControlSummary = z.infer<typeof ControlSummary>;

/** How grounding found the live control for a decision. */
export const MatchMethod = z.enum(['label', 'name', 'fuzzy', 'coordinates', 'none']);
export type MatchMethod = z.infer<typeof MatchMethod>;

/** The live control a decision was resolved to, and how. */
export const ResolvedControl = z.strictObject({
  label: z.string(),
  name: z.string(),
  type: z.string(),
  rect: Rect.optional(),
  matchedBy: MatchMethod,
  /** Match score 0..100 for `name` / `fuzzy` matches. */
  score: z.number().min(0).max(100).optional(),
});
export type ResolvedControl = z.infer<typeof ResolvedControl>;

/** Converts a UFO-style `{left, top, right, bottom}` box to a {@link Rect}. */
export function rectFromLtrb(
  box: { left: number; top: number; right: number; bottom: number },
  space: CoordinateSpace,
): Rect {
  return { x: box.left, y: box.top, width: box.right - box.left, height: box.bottom - box.top, space };
}

/** Converts a {@link Rect} to a UFO-style `{left, top, right, bottom}` box. */
export function rectToLtrb(rect: Rect): { left: number; top: number; right: number; bottom: number } {
  return { left: rect.x, top: rect.y, right: rect.x + rect.width, bottom: rect.y + rect.height };
}

/** The centre of a rectangle, in the rectangle's space. */
export function rectCenter(rect: Rect): Point {
  return { x: rect.x + rect.width / 2, y: rect.y + rect.height / 2, space: rect.space };
}
