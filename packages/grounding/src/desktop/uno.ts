import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { LAM_DesktopApiError, LAM_DesktopTimeoutError } from './errors';
import { UNO_HELPER_SOURCE } from './uno-helper-source';

/** A failed UNO request: `failure` is a refused request (bad argument), `uno` an exception in LibreOffice. */
export class UnoRequestError extends Error {
  constructor(
    readonly command: string,
    readonly detail: string,
    readonly kind: 'failure' | 'uno' | 'exit',
  ) {
    super(`UNO ${command}: ${detail}`);
  }
}

interface Pending {
  command: string;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * The UNO bridge: a persistent `/usr/bin/python3` process (python3-uno) connected to the session's
 * LibreOffice through a named pipe, answering one JSON request per line.
 */
export class UnoHelper {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exited: string | undefined;

  private constructor(readonly process: ChildProcess) {
    const lines = createInterface({ input: process.stdout! });
    lines.on('line', (line) => this.onLine(line));
    let stderr = '';
    process.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2_000);
    });
    process.once('exit', (code, signal) => {
      this.exited = `the UNO helper exited (${signal ?? `code ${code}`})${stderr.trim() ? `: ${stderr.trim().split('\n').at(-1)}` : ''}`;
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new UnoRequestError(p.command, this.exited, 'exit'));
        this.pending.delete(id);
      }
    });
  }

  /**
   * Starts the helper and waits for it to connect to LibreOffice's pipe `pipeName`. Rejects (and
   * kills the helper) when it cannot connect within `timeoutMs`: LibreOffice is not up yet, or gone.
   */
  static async start(options: {
    dir: string;
    pipeName: string;
    env: NodeJS.ProcessEnv;
    timeoutMs: number;
  }): Promise<UnoHelper> {
    const script = join(options.dir, 'uno-helper.py');
    writeFileSync(script, UNO_HELPER_SOURCE);
    const child = spawn('/usr/bin/python3', [script, options.pipeName], {
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    const helper = new UnoHelper(child);
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new LAM_DesktopTimeoutError({
                operation: 'connecting to LibreOffice over UNO',
                timeoutMs: options.timeoutMs,
              }),
            ),
          options.timeoutMs,
        );
        helper.onReady = () => {
          clearTimeout(timer);
          resolve();
        };
        child.once('exit', () => {
          clearTimeout(timer);
          reject(new UnoRequestError('connect', helper.exited ?? 'the UNO helper exited', 'exit'));
        });
      });
    } catch (error) {
      helper.kill();
      throw error;
    }
    return helper;
  }

  private onReady: (() => void) | undefined;

  private onLine(line: string): void {
    let message: {
      id?: number;
      ready?: boolean;
      ok?: boolean;
      value?: unknown;
      error?: string;
      kind?: 'failure' | 'uno';
    };
    try {
      message = JSON.parse(line);
    } catch {
      return;
    }
    if (message.ready) {
      this.onReady?.();
      return;
    }
    const p = message.id === undefined ? undefined : this.pending.get(message.id);
    if (p === undefined || message.id === undefined) return;
    this.pending.delete(message.id);
    clearTimeout(p.timer);
    if (message.ok) p.resolve(message.value);
    else p.reject(new UnoRequestError(p.command, message.error ?? 'unknown error', message.kind ?? 'uno'));
  }

  /** Whether the helper process still runs. */
  get alive(): boolean {
    return this.exited === undefined;
  }

  /** Sends one request; rejects with {@link UnoRequestError} or {@link LAM_DesktopTimeoutError}. */
  request<T>(command: string, args: Record<string, unknown> = {}, timeoutMs = 15_000): Promise<T> {
    if (this.exited !== undefined) return Promise.reject(new UnoRequestError(command, this.exited, 'exit'));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new LAM_DesktopTimeoutError({ operation: `UNO ${command}`, timeoutMs }));
      }, timeoutMs);
      this.pending.set(id, { command, resolve: resolve as (v: unknown) => void, reject, timer });
      this.process.stdin?.write(`${JSON.stringify({ id, cmd: command, args })}\n`);
    });
  }

  kill(): void {
    try {
      if (this.process.pid !== undefined) process.kill(-this.process.pid, 'SIGKILL');
    } catch {
      // gone
    }
  }
}

/** Turns a refused UNO request into the API error the model sees. */
export function apiError(functionName: string, error: unknown): Error {
  if (error instanceof UnoRequestError && error.kind === 'failure') {
    return new LAM_DesktopApiError({
      functionName,
      detail: error.detail,
      fix: 'Check the arguments and try again.',
    });
  }
  return error instanceof Error ? error : new Error(String(error));
}
