import { existsSync } from 'node:fs';
import {
  type Browser,
  type BrowserContext,
  chromium,
  type LaunchOptions as PlaywrightLaunchOptions,
} from 'playwright-core';
import { LAM_EnvironmentError } from '../errors';

/**
 * Chromium flags that work offline on a server (MACHINE-NOTES.md §5): no sandbox (containers
 * run as root), no GPU, and no background traffic (component updates, sync, QUIC, first-run).
 */
export const OFFLINE_CHROMIUM_FLAGS: readonly string[] = Object.freeze([
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]);

/** Where Chromium is looked for when neither the option nor CHROMIUM_PATH names it. */
export const CHROMIUM_CANDIDATES: readonly string[] = Object.freeze([
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
]);

/**
 * The Chromium executable to launch: `explicit`, else `$CHROMIUM_PATH`, else the first of
 * {@link CHROMIUM_CANDIDATES} that exists. Throws {@link LAM_EnvironmentError} saying how to
 * install it when there is none.
 */
export function resolveChromiumPath(explicit?: string): string {
  const chosen = explicit ?? process.env.CHROMIUM_PATH;
  if (chosen !== undefined && chosen !== '') {
    if (!existsSync(chosen)) {
      throw new LAM_EnvironmentError({
        environment: 'web',
        problem: `no Chromium at ${chosen} (${explicit !== undefined ? 'executablePath option' : 'CHROMIUM_PATH'})`,
        fix: 'Point it at an installed Chromium or Chrome binary, or unset it to use /usr/bin/chromium.',
      });
    }
    return chosen;
  }
  const found = CHROMIUM_CANDIDATES.find((p) => existsSync(p));
  if (found === undefined) {
    throw new LAM_EnvironmentError({
      environment: 'web',
      problem: `no Chromium found (looked at ${CHROMIUM_CANDIDATES.join(', ')})`,
      fix: 'Install it (Debian/Ubuntu: apt-get install -y --no-install-recommends chromium), or set CHROMIUM_PATH or the executablePath option.',
    });
  }
  return found;
}

/** Options of {@link launchChromium}. */
export interface ChromiumLaunchOptions {
  /** The browser binary; default `$CHROMIUM_PATH` or `/usr/bin/chromium`. */
  executablePath?: string;
  /** Default true. */
  headless?: boolean;
  /** Flags added after {@link OFFLINE_CHROMIUM_FLAGS}. */
  args?: readonly string[];
  /** Launch timeout in milliseconds (default 30,000). */
  timeoutMs?: number;
}

/**
 * Launches Chromium with the offline flags and a new, empty profile (Playwright creates a
 * temporary user-data-dir per launch and removes it on close).
 */
export async function launchChromium(options: ChromiumLaunchOptions = {}): Promise<Browser> {
  const executablePath = resolveChromiumPath(options.executablePath);
  const launch: PlaywrightLaunchOptions = {
    executablePath,
    headless: options.headless ?? true,
    args: [...OFFLINE_CHROMIUM_FLAGS, ...(options.args ?? [])],
    timeout: options.timeoutMs ?? 30_000,
  };
  try {
    return await chromium.launch(launch);
  } catch (cause) {
    throw new LAM_EnvironmentError({
      environment: 'web',
      problem: `Chromium at ${executablePath} did not start: ${cause instanceof Error ? cause.message.split('\n')[0] : String(cause)}`,
      fix: 'Run it by hand with --headless --no-sandbox to see why; on a machine without a display keep headless true.',
      cause,
    });
  }
}

/** Attaches to a running Chromium started with --remote-debugging-port (an http:// or ws:// endpoint). */
export async function connectChromium(
  endpointURL: string,
  options: { timeoutMs?: number } = {},
): Promise<Browser> {
  try {
    return await chromium.connectOverCDP(endpointURL, { timeout: options.timeoutMs ?? 30_000 });
  } catch (cause) {
    throw new LAM_EnvironmentError({
      environment: 'web',
      problem: `cannot attach to a browser at ${endpointURL}: ${cause instanceof Error ? cause.message.split('\n')[0] : String(cause)}`,
      fix: 'Start Chromium with --remote-debugging-port=9222 and pass http://127.0.0.1:9222.',
      cause,
    });
  }
}

export type { Browser, BrowserContext };
