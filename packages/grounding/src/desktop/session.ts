import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type AccessibleRef, AtspiClient, accessibilityBusAddress } from './atspi';
import { LAM_DesktopAppGoneError, LAM_DesktopStartError, LAM_DesktopTimeoutError } from './errors';
import {
  checkRequirements,
  defaultRunDir,
  findSessionProcesses,
  killSessionSync,
  processStart,
  reapDesktopSessions,
  requirements,
  SESSION_ENV,
  type SessionRecord,
  socketFiles,
  startGuardian,
  trackSession,
  untrackSession,
  writeRecord,
} from './processes';
import { UnoHelper } from './uno';

/** The LibreOffice applications a session can run. */
export type DesktopApp = 'writer' | 'calc';

/** Options of {@link startDesktopSession}. */
export interface DesktopSessionOptions {
  /** The application; by default guessed from the document's extension (`.ods`, `.xlsx`, `.csv` → calc), else `writer`. */
  app?: DesktopApp;
  /** The document to open; without it LibreOffice opens a new, untitled one. */
  document?: string;
  /** The virtual screen size (default 1280×800). The window is moved to (0, 0) and sized to fill it. */
  screen?: { width: number; height: number };
  /** Where session folders and their `session.json` records live (default `$TMPDIR/lam-desktop-UID`). */
  runDir?: string;
  /** How long the whole start may take (default 60 s: a cold LibreOffice start on a busy machine is slow). */
  startTimeoutMs?: number;
  /** Start a watchdog that kills the session when this process dies, even by SIGKILL (default true). */
  guardian?: boolean;
  /** Clean up sessions of dead owners (crashed runs) before starting (default true). */
  reapStale?: boolean;
  /** Timeout of one AT-SPI call (default 5 s). */
  callTimeoutMs?: number;
}

const CALC_EXTENSIONS = new Set(['.ods', '.fods', '.xlsx', '.xls', '.csv']);

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Runs a program with the session's environment; resolves with stdout. */
export function run(
  program: string,
  args: readonly string[],
  options: { env: NodeJS.ProcessEnv; timeoutMs?: number; encoding?: 'buffer' | 'utf8' } = {
    env: process.env,
  },
): Promise<string> {
  return new Promise((resolveRun, reject) => {
    execFile(
      program,
      args,
      { env: options.env, timeout: options.timeoutMs ?? 10_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          const detail = String(stderr).trim() || error.message;
          reject(new Error(`${program} ${args.join(' ')}: ${detail}`, { cause: error }));
        } else resolveRun(String(stdout));
      },
    );
  });
}

/** Like {@link run} but returns stdout as bytes (screenshots). */
export function runBytes(
  program: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 10_000,
): Promise<Buffer> {
  return new Promise((resolveRun, reject) => {
    execFile(
      program,
      args,
      { env, timeout: timeoutMs, encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error)
          reject(new Error(`${program}: ${String(stderr).trim() || error.message}`, { cause: error }));
        else resolveRun(stdout);
      },
    );
  });
}

/**
 * A running, isolated desktop: its own Xvfb display, session D-Bus, AT-SPI bus, and one LibreOffice
 * with a fresh profile. Start it with {@link startDesktopSession}; always {@link DesktopSession.close} it.
 * If this process dies first, the exit/signal hooks, the watchdog, or {@link reapDesktopSessions} clean up.
 */
export class DesktopSession {
  /** The AT-SPI client on this session's accessibility bus. */
  readonly atspi: AtspiClient;
  /** The X window of LibreOffice's document frame, as xdotool names it. */
  windowId = '';
  /** The window's real geometry on the X server (set at start, after it was moved to 0,0). */
  windowRect = { x: 0, y: 0, width: 0, height: 0 };
  private sofficeExit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exitWaiters = new Set<() => void>();
  private closed = false;
  private frameCache: AccessibleRef | undefined;

  /** @internal use {@link startDesktopSession} */
  constructor(
    readonly id: string,
    readonly app: DesktopApp,
    /** The document path LibreOffice opened (undefined for a new document). */
    readonly document: string | undefined,
    readonly record: SessionRecord,
    /** The environment of the session's programs (DISPLAY, DBUS_SESSION_BUS_ADDRESS, ...). */
    readonly env: NodeJS.ProcessEnv,
    readonly screen: { width: number; height: number },
    atspi: AtspiClient,
    private readonly soffice: ChildProcess,
    /** The UNO bridge to the document (application APIs). */
    public uno: UnoHelper,
  ) {
    this.atspi = atspi;
    soffice.once('exit', (code, signal) => {
      this.sofficeExit = { code, signal };
      for (const w of this.exitWaiters) w();
    });
  }

  /** The X display, e.g. `:3`. */
  get display(): string {
    return `:${this.record.display}`;
  }

  /** Whether LibreOffice still runs. */
  get alive(): boolean {
    return this.sofficeExit === undefined && !this.closed;
  }

  /** The pids of the soffice.bin processes of this session. */
  officePids(): number[] {
    return findSessionProcesses(this.id).filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'soffice.bin';
      } catch {
        return false;
      }
    });
  }

  /** Every live process of the session (for tests and diagnostics). */
  processes(): number[] {
    return findSessionProcesses(this.id);
  }

  /** Throws {@link LAM_DesktopAppGoneError} if LibreOffice has exited. */
  assertAlive(during?: string): void {
    if (this.closed) {
      throw new LAM_DesktopAppGoneError({
        program: 'The desktop session',
        exitCode: 0,
        signal: null,
        during: during ?? 'use after close()',
      });
    }
    if (this.sofficeExit !== undefined) {
      throw new LAM_DesktopAppGoneError({
        program: 'LibreOffice',
        pid: this.soffice.pid,
        exitCode: this.sofficeExit.code,
        signal: this.sofficeExit.signal,
        ...(during ? { during } : {}),
      });
    }
  }

  /**
   * Runs an operation against the application and turns "LibreOffice died meanwhile" into a clear
   * {@link LAM_DesktopAppGoneError} instead of a hang or a low-level D-Bus error.
   */
  async guard<T>(during: string, operation: () => Promise<T>): Promise<T> {
    this.assertAlive(during);
    let onExit: (() => void) | undefined;
    const gone = new Promise<never>((_, reject) => {
      onExit = () => {
        try {
          this.assertAlive(during);
        } catch (error) {
          reject(error);
        }
      };
      this.exitWaiters.add(onExit);
    });
    try {
      return await Promise.race([operation(), gone]);
    } catch (error) {
      // The process may have died while the call failed: a D-Bus NoReply or a UNO DisposedException.
      if (this.sofficeExit === undefined && this.soffice.exitCode === null) await sleep(300);
      this.assertAlive(during);
      throw error;
    } finally {
      if (onExit) this.exitWaiters.delete(onExit);
    }
  }

  /** The AT-SPI application object of LibreOffice (re-found after a restart). */
  async application(): Promise<AccessibleRef> {
    const apps = await this.atspi.children(['org.a11y.atspi.Registry', '/org/a11y/atspi/accessible/root']);
    for (const app of apps) {
      const name = await this.atspi.property(app, 'org.a11y.atspi.Accessible', 'Name').catch(() => '');
      if (name === 'soffice') return app;
    }
    throw new Error('LibreOffice is not on the accessibility bus');
  }

  /** The document frame (the main window) on the AT-SPI bus. */
  async frame(): Promise<AccessibleRef> {
    if (this.frameCache !== undefined) {
      const ok = await this.atspi.states(this.frameCache).then(
        () => true,
        () => false,
      );
      if (ok) return this.frameCache;
    }
    const title = this.app === 'writer' ? 'LibreOffice Writer' : 'LibreOffice Calc';
    const app = await this.application();
    for (const child of await this.atspi.children(app)) {
      const info = await this.atspi.info(child).catch(() => undefined);
      if (info?.role === 'frame' && info.name.endsWith(title)) {
        this.frameCache = child;
        return child;
      }
    }
    throw new Error(`no "${title}" frame on the accessibility bus`);
  }

  /** Runs xdotool on this display. */
  xdotool(args: readonly string[], timeoutMs = 10_000): Promise<string> {
    return run('xdotool', args, { env: this.env, timeoutMs });
  }

  /** Captures the whole display as PNG (ImageMagick's `import`, not the `convert` stand-in on PATH). */
  screenshotPng(): Promise<Buffer> {
    return runBytes('/usr/bin/import', ['-window', 'root', 'png:-'], this.env, 15_000);
  }

  /**
   * Stops everything the session started: asks LibreOffice to close the document (unsaved changes
   * are dropped), then kills its process groups and any marked leftover, and removes its folder.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.alive) {
      await this.uno.request('close', {}, 3_000).catch(() => undefined);
      await Promise.race([new Promise<void>((r) => this.exitWaiters.add(r)), sleep(3_000)]);
    }
    this.closed = true;
    this.uno.kill();
    this.atspi.disconnect();
    killSessionSync(this.record);
    untrackSession(this.id);
  }
}

function waitForLine(stream: NodeJS.ReadableStream, timeoutMs: number, what: string): Promise<string> {
  return new Promise((resolveLine, reject) => {
    let buffer = '';
    const timer = setTimeout(
      () => reject(new LAM_DesktopTimeoutError({ operation: what, timeoutMs })),
      timeoutMs,
    );
    const onData = (d: Buffer) => {
      buffer += d.toString();
      const nl = buffer.indexOf('\n');
      if (nl >= 0) {
        clearTimeout(timer);
        stream.removeListener('data', onData);
        resolveLine(buffer.slice(0, nl).trim());
      }
    };
    stream.on('data', onData);
    stream.once('end', () => {
      clearTimeout(timer);
      reject(new Error(`${what}: the program closed its output`));
    });
  });
}

function tail(chunks: string[]): string {
  return chunks.join('').split('\n').slice(-15).join('\n');
}

/**
 * Starts an isolated desktop and LibreOffice on it, and waits until the document is ready on the
 * accessibility bus and over UNO. Throws {@link LAM_DesktopDependencyError} (naming the apt package)
 * when something is not installed, and {@link LAM_DesktopStartError} when a part does not come up;
 * whatever was started is killed before it throws.
 */
export async function startDesktopSession(options: DesktopSessionOptions = {}): Promise<DesktopSession> {
  const document = options.document === undefined ? undefined : resolve(options.document);
  const app: DesktopApp =
    options.app ??
    (document !== undefined && CALC_EXTENSIONS.has(extname(document).toLowerCase()) ? 'calc' : 'writer');
  checkRequirements(requirements(app));
  if (document !== undefined && !existsSync(document)) {
    throw new LAM_DesktopStartError({
      stage: 'document',
      problem: `the document ${document} does not exist`,
    });
  }
  const runDir = options.runDir ?? defaultRunDir();
  if (options.reapStale ?? true) reapDesktopSessions({ runDir });
  const screen = options.screen ?? { width: 1280, height: 800 };
  const timeoutMs = options.startTimeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  const left = () => Math.max(1, deadline - Date.now());

  const id = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const dir = join(runDir, id);
  for (const sub of ['runtime', 'config', 'cache', 'profile'])
    mkdirSync(join(dir, sub), { recursive: true, mode: 0o700 });
  const record: SessionRecord = {
    id,
    ownerPid: process.pid,
    ownerStart: processStart(process.pid) ?? '',
    display: -1,
    dir,
    groups: [],
    document,
    createdAt: new Date().toISOString(),
  };
  writeRecord(record);
  trackSession(record);

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    [SESSION_ENV]: id,
    XDG_RUNTIME_DIR: join(dir, 'runtime'),
    XDG_CONFIG_HOME: join(dir, 'config'),
    XDG_CACHE_HOME: join(dir, 'cache'),
    SAL_USE_VCLPLUGIN: 'gtk3',
  };
  delete env.AT_SPI_BUS_ADDRESS;
  delete env.DBUS_SESSION_BUS_ADDRESS;
  delete env.NO_AT_BRIDGE;

  const started: ChildProcess[] = [];
  const spawnGroup = (program: string, args: string[], stdio: Parameters<typeof spawn>[2]['stdio']) => {
    const child = spawn(program, args, { env, detached: true, stdio });
    child.on('error', () => {});
    started.push(child);
    if (child.pid !== undefined) record.groups.push(child.pid);
    writeRecord(record);
    return child;
  };

  let uno: UnoHelper | undefined;
  let atspi: AtspiClient | undefined;
  try {
    // 1. Xvfb picks a free display number and writes it on fd 3 once it accepts connections.
    const xlog: string[] = [];
    const xvfb = spawnGroup(
      'Xvfb',
      ['-displayfd', '3', '-screen', '0', `${screen.width}x${screen.height}x24`, '-nolisten', 'tcp'],
      ['ignore', 'ignore', 'pipe', 'pipe'],
    );
    xvfb.stderr?.on('data', (d: Buffer) => xlog.push(d.toString()));
    const displayLine = await waitForLine(
      xvfb.stdio[3] as NodeJS.ReadableStream,
      Math.min(left(), 15_000),
      'Xvfb start',
    ).catch((cause: unknown) => {
      throw new LAM_DesktopStartError({
        stage: 'xvfb',
        problem: 'Xvfb did not report a display',
        log: tail(xlog),
        cause,
      });
    });
    record.display = Number(displayLine);
    env.DISPLAY = `:${record.display}`;
    writeRecord(record);

    // 2. A private session bus; it prints its address once it listens.
    const dbusDaemon = spawnGroup(
      'dbus-daemon',
      ['--session', '--nofork', '--print-address=1', `--address=unix:path=${join(dir, 'bus')}`],
      ['ignore', 'pipe', 'ignore'],
    );
    env.DBUS_SESSION_BUS_ADDRESS = await waitForLine(
      dbusDaemon.stdout!,
      Math.min(left(), 10_000),
      'dbus-daemon start',
    ).catch((cause: unknown) => {
      throw new LAM_DesktopStartError({
        stage: 'dbus',
        problem: 'dbus-daemon did not print its address',
        cause,
      });
    });

    // 3. The accessibility bus (D-Bus activates at-spi-bus-launcher), with AT-SPI switched on.
    let a11yAddress = '';
    for (;;) {
      try {
        a11yAddress = await accessibilityBusAddress(env.DBUS_SESSION_BUS_ADDRESS);
        break;
      } catch (cause) {
        if (Date.now() > deadline) {
          throw new LAM_DesktopStartError({
            stage: 'atspi',
            problem: 'the AT-SPI bus did not start',
            timeoutMs,
            cause,
          });
        }
        await sleep(100);
      }
    }
    atspi = await AtspiClient.connect(a11yAddress, { timeoutMs: options.callTimeoutMs ?? 5_000 });

    // 4. LibreOffice with a fresh profile, listening on a private UNO pipe.
    const pipeName = `lam-${id}`;
    const olog: string[] = [];
    const soffice = spawnGroup(
      'soffice',
      [
        `--${app}`,
        '--norestore',
        '--nologo',
        '--nofirststartwizard',
        `-env:UserInstallation=${pathToFileURL(join(dir, 'profile')).href}`,
        `--accept=pipe,name=${pipeName};urp;StarOffice.ComponentContext`,
        ...(document !== undefined ? [document] : []),
      ],
      ['ignore', 'pipe', 'pipe'],
    );
    soffice.stdout?.on('data', (d: Buffer) => olog.push(d.toString()));
    soffice.stderr?.on('data', (d: Buffer) => olog.push(d.toString()));
    let sofficeExited = false;
    soffice.once('exit', () => {
      sofficeExited = true;
    });

    // 5. Wait for the document over UNO. A fresh profile restarts soffice once, so every failure
    //    before the deadline is retried.
    let lastError: unknown;
    for (;;) {
      if (sofficeExited) {
        throw new LAM_DesktopStartError({
          stage: 'soffice',
          problem: `soffice exited (code ${soffice.exitCode})`,
          log: tail(olog),
        });
      }
      if (Date.now() > deadline) {
        throw new LAM_DesktopStartError({
          stage: 'uno',
          problem: 'LibreOffice did not open the document over UNO in time',
          timeoutMs,
          log: tail(olog),
          cause: lastError,
        });
      }
      try {
        uno ??= await UnoHelper.start({ dir, pipeName, env, timeoutMs: Math.min(left(), 5_000) });
        const info = await uno.request<{ app: string; url: string }>('info', {}, 5_000);
        if (info.app === app && (document === undefined || info.url === pathToFileURL(document).href)) break;
        lastError = new Error(`UNO sees ${info.app} ${info.url || '(untitled)'}`);
      } catch (error) {
        lastError = error;
        if (uno !== undefined && !uno.alive) uno = undefined;
      }
      await sleep(250);
    }
    if (uno.process.pid !== undefined) record.groups.push(uno.process.pid);
    writeRecord(record);

    const session = new DesktopSession(id, app, document, record, env, screen, atspi, soffice, uno);

    // 6. Wait for the frame on the accessibility bus, then put its window at (0, 0), full screen.
    let title = '';
    for (;;) {
      try {
        const frame = await session.frame();
        title = String(await atspi.property(frame, 'org.a11y.atspi.Accessible', 'Name'));
        break;
      } catch (cause) {
        if (Date.now() > deadline) {
          throw new LAM_DesktopStartError({
            stage: 'window',
            problem: 'the LibreOffice window never appeared on the accessibility bus',
            timeoutMs,
            cause,
          });
        }
        await sleep(150);
      }
    }
    const ids = (
      await session.xdotool([
        'search',
        '--onlyvisible',
        '--name',
        `^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`,
      ])
    )
      .split('\n')
      .filter(Boolean);
    if (ids.length === 0)
      throw new LAM_DesktopStartError({ stage: 'window', problem: `no X window titled "${title}"` });
    session.windowId = ids[0]!;
    await session.xdotool(['windowmove', '--sync', session.windowId, '0', '0']);
    await session.xdotool([
      'windowsize',
      '--sync',
      session.windowId,
      String(screen.width),
      String(screen.height),
    ]);
    for (;;) {
      const frame = await session.frame();
      const box = await atspi.extents(frame).catch(() => undefined);
      if (box && box[0] === 0 && box[1] === 0 && box[2] === screen.width && box[3] === screen.height) break;
      if (Date.now() > deadline)
        throw new LAM_DesktopStartError({
          stage: 'window',
          problem: `the window did not move to 0,0 (it reports ${box})`,
        });
      await sleep(100);
    }
    session.windowRect = await windowGeometry(session);
    record.files = socketFiles(session.officePids());
    writeRecord(record);

    if (options.guardian ?? true) {
      record.guardian = startGuardian(record);
      writeRecord(record);
    }
    return session;
  } catch (error) {
    uno?.kill();
    atspi?.disconnect();
    for (const child of started) {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    killSessionSync(record);
    untrackSession(id);
    throw error;
  }
}

/** The real position and size of the session's window on the X server. */
export async function windowGeometry(
  session: DesktopSession,
): Promise<{ x: number; y: number; width: number; height: number }> {
  const out = await session.xdotool(['getwindowgeometry', '--shell', session.windowId]);
  const value = (key: string) => Number(new RegExp(`^${key}=(-?\\d+)$`, 'm').exec(out)?.[1] ?? Number.NaN);
  return { x: value('X'), y: value('Y'), width: value('WIDTH'), height: value('HEIGHT') };
}
