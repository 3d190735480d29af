import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DesktopEnvironment } from '@lam/grounding/desktop';
import type { Control, Observation } from '@lam/schema';

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function stateKey(c: Control): string {
  const s = c.states ?? {};
  return `${c.type}\u0001${c.name}\u0001${s.pressed ? 'p' : ''}${s.checked ? 'c' : ''}${s.expanded ? 'e' : ''}${s.selected ? 's' : ''}`;
}

/** A fingerprint of what an observation shows: controls with their names and toggled states. */
export function signature(observation: Observation): string {
  return observation.controls.map(stateKey).join('\n');
}

/**
 * Whether an action is expected to change what the window shows (a menu or dialog opens or closes, a
 * tab page or tree page is shown): then the observation after it waits for that change. A toolbar
 * button, a check box or typing changes the document or a state, which the next look sees at once.
 */
export function expectsChange(
  fn: string,
  control: { type: string; name: string } | null | undefined,
  args: Record<string, unknown>,
  dialogOpen: boolean,
): boolean {
  if (fn === 'keyboard_input') return /\{(ESC|ENTER|F\d+)\}|\^|%/.test(String(args.keys ?? ''));
  if (fn !== 'click_input' || control === null || control === undefined) return false;
  if (control.type === 'MenuItem' || control.type === 'TabItem') return true;
  if (dialogOpen && (control.type === 'Button' || control.type === 'DataItem' || control.type === 'TreeItem'))
    return true;
  return /(\.\.\.|…)$/.test(control.name);
}

/**
 * Moves the pointer to the bottom-right corner of the screen, out of the way. A real click is
 * `xdotool mousemove --sync X Y click`, and `--sync` waits for the pointer to move: when it already
 * is at X Y (the same control clicked twice in a row) the call hangs until its timeout.
 */
export async function parkPointer(env: DesktopEnvironment): Promise<void> {
  const { width, height } = env.session.screen;
  await env.session.xdotool(['mousemove', String(width - 1), String(height - 1)]).catch(() => undefined);
}

/** Options of {@link observeSettled}. */
export interface SettleOptions {
  /** Wait until the screen differs from `before` (a menu or dialog opens, a state toggles), up to `timeoutMs`. */
  waitForChange: boolean;
  /** Default 4,000 ms (a dialog takes seconds to open on a busy machine). */
  timeoutMs?: number;
  /** Read the document text as `canvasText` (default false). */
  canvas?: boolean;
  /** Write a screenshot of the final observation here. */
  screenshotPath?: string;
}

/** Adds the document text and a screenshot to an observation taken without them (one walk saved). */
async function enrich(
  env: DesktopEnvironment,
  observation: Observation,
  options: SettleOptions,
): Promise<Observation> {
  const out: Observation = { ...observation };
  if (options.canvas) {
    const text = await env.session.uno.request<string>('text', {}, 5_000);
    out.canvasText = text.length > 20_000 ? `${text.slice(0, 20_000)}\n[... cut at 20000 characters]` : text;
  }
  if (options.screenshotPath !== undefined) {
    const shot = await env.screenshot();
    mkdirSync(dirname(options.screenshotPath), { recursive: true });
    writeFileSync(options.screenshotPath, shot.data);
    out.screenshot = {
      path: options.screenshotPath,
      width: shot.width,
      height: shot.height,
      mimeType: 'image/png',
      sha256: createHash('sha256').update(shot.data).digest('hex'),
      kind: 'clean',
    };
  }
  return out;
}

/**
 * Observes after an action, once LibreOffice has caught up: a menu item opens its menu or dialog
 * asynchronously, so when a change is expected the screen is polled until it differs from `before`
 * and two looks agree (a dialog fills its controls in after it appears), or until `timeoutMs`.
 */
export async function observeSettled(
  env: DesktopEnvironment,
  before: Observation | undefined,
  options: SettleOptions,
): Promise<Observation> {
  if (!options.waitForChange || before === undefined) {
    await sleep(60);
    return env.observe({
      canvas: options.canvas ?? false,
      ...(options.screenshotPath === undefined ? {} : { screenshotPath: options.screenshotPath }),
    });
  }
  const was = signature(before);
  const deadline = Date.now() + (options.timeoutMs ?? 4_000);
  let last = was;
  for (;;) {
    await sleep(60);
    const now = await env.observe({ canvas: false });
    const sig = signature(now);
    if ((sig !== was && sig === last) || Date.now() > deadline) return enrich(env, now, options);
    last = sig;
  }
}
