import type { Control, JsonValue, Observation } from '@lam/schema';
import type { ControlFilter } from './controls/select';

/** Options of {@link Environment.observe}. */
export interface ObserveOptions extends ControlFilter {
  /**
   * Write a PNG screenshot to this path and reference it in `observation.screenshot`
   * (with its size and SHA-256). Without it the observation carries no screenshot.
   */
  screenshotPath?: string;
}

/** A screenshot as pixels: PNG bytes and the geometry needed to map control rectangles onto it. */
export interface Screenshot {
  /** PNG bytes. */
  data: Uint8Array;
  mimeType: 'image/png';
  /** Image size in pixels. */
  width: number;
  height: number;
  /** Image pixels per logical pixel (the device pixel ratio when the capture is not resized). */
  scaleFactor: number;
}

/** Options of {@link Environment.screenshot}. */
export interface ScreenshotOptions {
  /** Capture the whole scrollable page instead of the viewport, where the backend can (web only). */
  fullPage?: boolean;
}

/** One action for an environment to run: a validated call and the live control it targets. */
export interface ExecuteRequest {
  /** The function name, e.g. `click_input`. */
  function: string;
  /** Arguments already validated and defaulted by the action registry. */
  args: Record<string, unknown>;
  /** The resolved control, as it appears in the latest observation (with its `backendRef`). */
  control?: Control | undefined;
  /** Aborts a long action (a wait for actionability, a slow typing run). */
  signal?: AbortSignal | undefined;
}

/** What an environment returns for an action that ran: the function's return value, if any. */
export interface ExecuteOutput {
  output?: JsonValue | undefined;
}

/**
 * A live application the agent observes and acts in. The web (Chromium), Linux desktop (AT-SPI)
 * and in-memory testing backends implement it, and a Windows UI Automation bridge can: every
 * method speaks the @lam/schema data model, and backend-specific handles travel in
 * `Control.backendRef`, which only the backend that produced them reads.
 *
 * `execute` throws on failure (a typed `LamError` where it can); the executor turns that into an
 * `ActionResult`. Meta functions (`summary`, `annotation`, `""`) never reach an environment.
 */
export interface Environment {
  /** The backend, e.g. `web`, `desktop`, `testing`, `uia`. */
  readonly kind: string;
  /** The function names `execute` implements. */
  readonly supportedActions: readonly string[];
  /** Captures the labelled controls (and optionally a screenshot) as they are now. */
  observe(options?: ObserveOptions): Promise<Observation>;
  /** Runs one action on the live application. */
  execute(request: ExecuteRequest): Promise<ExecuteOutput>;
  /** Captures the screen, window or viewport as PNG. */
  screenshot(options?: ScreenshotOptions): Promise<Screenshot>;
  /**
   * Where the application is now: the page URL for the web, the document path for a desktop
   * app. The safety policy uses it to tell whether a link leaves the allowed domains.
   */
  location?(): Promise<string | undefined>;
  /** Releases the application (closes the browser it launched, detaches from one it attached to). */
  close(): Promise<void>;
}

/** Functions the executor handles itself, without an environment: they have no effect on the UI. */
export const META_ACTIONS = ['summary', 'annotation', ''] as const;
