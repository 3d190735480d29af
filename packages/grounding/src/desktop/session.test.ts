import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'tsup';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LAM_DesktopDependencyError, LAM_DesktopStartError } from './errors';
import { isRunning, listSessionRecords, reapDesktopSessions, unoPipeFile } from './processes';
import { startDesktopSession } from './session';

const packageRoot = join(import.meta.dirname, '..', '..');
const bundleDir = join(packageRoot, 'node_modules', '.cache', 'lam-desktop-test');
let runDir: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  runDir = mkdtempSync(join(tmpdir(), 'lam-desktop-runs-'));
  // The child runs outside vitest, so it gets the TypeScript sources bundled into one CommonJS file.
  await build({
    entry: { 'session-child': join(import.meta.dirname, '__fixtures__', 'session-child.ts') },
    outDir: bundleDir,
    format: ['cjs'],
    platform: 'node',
    target: 'node20',
    config: false,
    dts: false,
    silent: true,
    external: ['dbus-next'],
    noExternal: [/^(?!dbus-next$)/],
  });
}, 60_000);

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  reapDesktopSessions({ runDir });
  rmSync(runDir, { recursive: true, force: true });
});

interface ChildSession {
  id: string;
  dir: string;
  display: number;
  pids: number[];
  files: string[];
}

async function startChild(
  mode: 'plain' | 'guardian',
): Promise<{ child: ChildProcess; session: ChildSession }> {
  const child = spawn(process.execPath, [join(bundleDir, 'session-child.cjs'), runDir, mode], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const line = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    child.once('exit', (code) => reject(new Error(`the child exited (${code}): ${err}`)));
  });
  return { child, session: JSON.parse(line) as ChildSession };
}

function killed(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

async function eventually(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

describe('desktop session lifecycle', () => {
  test('a missing program is reported with the apt package to install', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      const error = await startDesktopSession({ app: 'writer', runDir }).catch((e: unknown) => e);
      expect(LAM_DesktopDependencyError.isInstance(error)).toBe(true);
      expect((error as LAM_DesktopDependencyError).packageName).toBe('xvfb');
      expect((error as Error).message).toBe(
        'Xvfb is not installed (the virtual X display): apt-get install -y --no-install-recommends xvfb',
      );
    } finally {
      process.env.PATH = path;
    }
  });

  test('a missing document is a start error, before anything is started', async () => {
    const error = await startDesktopSession({ document: join(runDir, 'nope.odt'), runDir }).catch(
      (e: unknown) => e,
    );
    expect(LAM_DesktopStartError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('nope.odt does not exist');
    expect(listSessionRecords(runDir)).toEqual([]);
  });

  test('after the owner is killed with SIGKILL, the reaper removes every process of its session', async () => {
    // A package linked into node_modules, as pnpm links them, and a first resolution beside it, so that
    // Node's resolver has the folders above it in its cache.
    const root = mkdtempSync(join(runDir, 'resolve-'));
    const app = join(root, 'app');
    mkdirSync(join(app, 'node_modules'), { recursive: true });
    mkdirSync(join(root, 'linked'));
    writeFileSync(join(root, 'linked', 'index.js'), 'module.exports = 1;\n');
    writeFileSync(join(app, 'main.js'), '');
    symlinkSync(join(root, 'linked'), join(app, 'node_modules', 'linked'));
    const requireFromApp = createRequire(join(app, 'main.js'));
    requireFromApp.resolve('./main.js');
    const { child, session } = await startChild('plain');
    expect(session.pids.length).toBeGreaterThanOrEqual(4);
    expect(session.pids.every(isRunning)).toBe(true);
    await killed(child, 'SIGKILL');
    // Nothing ran in the owner: the session is orphaned until someone reaps it.
    expect(session.pids.some(isRunning)).toBe(true);
    const reaped = reapDesktopSessions({ runDir });
    expect(reaped.map((r) => r.id)).toEqual([session.id]);
    expect(await eventually(() => !session.pids.some(isRunning), 5_000)).toBe(true);
    expect(existsSync(session.dir)).toBe(false);
    expect(existsSync(`/tmp/.X11-unix/X${session.display}`)).toBe(false);
    expect(existsSync(unoPipeFile(session.id))).toBe(false);
    expect(session.files.length).toBeGreaterThan(0);
    expect(session.files.filter((f) => existsSync(f))).toEqual([]);
    expect(reapDesktopSessions({ runDir })).toEqual([]);
    // Removing the session's sockets left module resolution as it was: links are still followed.
    expect(requireFromApp.resolve('linked')).toBe(join(root, 'linked', 'index.js'));
  }, 90_000);

  test('with the watchdog, a SIGKILLed owner leaves nothing behind on its own', async () => {
    const { child, session } = await startChild('guardian');
    await killed(child, 'SIGKILL');
    expect(await eventually(() => !session.pids.some(isRunning) && !existsSync(session.dir), 10_000)).toBe(
      true,
    );
  }, 90_000);

  test('SIGTERM to the owner kills its session before it exits', async () => {
    const { child, session } = await startChild('plain');
    await killed(child, 'SIGTERM');
    expect(await eventually(() => !session.pids.some(isRunning), 2_000)).toBe(true);
    expect(existsSync(session.dir)).toBe(false);
  }, 90_000);
});
