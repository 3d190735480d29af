import { z } from 'zod';
import { Control, ControlSummary, Metadata, Rect } from './control';

/** A reference to a screenshot stored next to the records (never the pixels themselves). */
export const ScreenshotRef = z.strictObject({
  /** Path (relative to the trajectory file, or absolute) or URL of the image. */
  path: z.string().min(1),
  width: z.int().positive().optional(),
  height: z.int().positive().optional(),
  mimeType: z.string().optional(),
  /** Hex SHA-256 of the file, to detect a swapped or changed image. */
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  /** What the image shows: the clean screen, the set-of-mark annotated one, the selected control. */
  kind: z.enum(['clean', 'annotated', 'selected-control', 'concat']).optional(),
});
export type ScreenshotRef = z.infer<typeof ScreenshotRef>;

/** The screen geometry needed to convert between coordinate spaces. */
export const ScreenInfo = z.strictObject({
  width: z.number().positive(),
  height: z.number().positive(),
  /** Physical pixels per logical pixel (device pixel ratio). */
  scaleFactor: z.number().positive(),
});
export type ScreenInfo = z.infer<typeof ScreenInfo>;

/** The window the agent acts in. */
export const WindowInfo = z.strictObject({
  title: z.string(),
  /** Backend window id (X11 window, CDP target id, HWND as text). */
  id: z.string().optional(),
  rect: Rect.optional(),
});
export type WindowInfo = z.infer<typeof WindowInfo>;

/** What the environment shows the agent at one step. */
export const Observation = z.strictObject({
  /** The application, e.g. `WINWORD.EXE`, `soffice-writer`, `chromium`. */
  application: z.string(),
  window: WindowInfo.optional(),
  /** The labelled controls the model may act on, in label order. */
  controls: z.array(Control),
  /** The full control tree, when captured. */
  tree: Control.optional(),
  screenshot: ScreenshotRef.optional(),
  /** Document / canvas content as text (the paper's canvas state). */
  canvasText: z.string().optional(),
  screen: ScreenInfo.optional(),
  /** ISO 8601 time of capture. */
  capturedAt: z.iso.datetime({ offset: true }).optional(),
  metadata: Metadata.optional(),
});
export type Observation = z.infer<typeof Observation>;

/** The part of an observation kept in a step record: enough to rebuild the prompt, no tree. */
export const ObservationSummary = z.strictObject({
  application: z.string(),
  windowTitle: z.string().optional(),
  /** The labelled control list as the model saw it. */
  controls: z.array(ControlSummary).optional(),
  controlCount: z.int().nonnegative(),
  screenshot: ScreenshotRef.optional(),
  canvasText: z.string().optional(),
});
export type ObservationSummary = z.infer<typeof ObservationSummary>;

/** Summarises an observation for a step record. */
export function summarizeObservation(
  observation: Observation,
  options: { includeControls?: boolean } = {},
): ObservationSummary {
  const summary: ObservationSummary = {
    application: observation.application,
    controlCount: observation.controls.length,
  };
  if (observation.window !== undefined) summary.windowTitle = observation.window.title;
  if (options.includeControls ?? true) {
    summary.controls = observation.controls.map((c) => ({ label: c.label, name: c.name, type: c.type }));
  }
  if (observation.screenshot !== undefined) summary.screenshot = observation.screenshot;
  if (observation.canvasText !== undefined) summary.canvasText = observation.canvasText;
  return summary;
}
