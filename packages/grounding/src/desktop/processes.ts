import { spawn } from 'node:child_process';
import {
  accessSync,
  constants,
  existsSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { LAM_DesktopDependencyError } from './errors';

/** Every process of a session carries this variable (value: the session id), so it can be found and killed. */
export const SESSION_ENV = 'LAM_DESKTOP_SESSION';

/** The per-user folder that holds one sub-folder (and its `session.json`) per session. */
export function defaultRunDir(): string {
  return join(tmpdir(), `lam-desktop-${process.getuid?.() ?? 'user'}`);
}

/** What a session's `session.json` records, so that a later run can clean up after a crashed one. */
export interface SessionRecord {
  id: string;
  /** The process that started the session, and its start time (to tell a reused pid apart). */
  ownerPid: number;
  ownerStart: string;
  /** The X display number. */
  display: number;
  /** The session folder (profile, sockets, helper script); removed on cleanup. */
  dir: string;
  /** Process-group leaders started for the session (Xvfb, dbus-daemon, soffice, the UNO helper). */
  groups: number[];
  /** The watchdog process that cleans up when the owner dies, if any. */
  guardian?: number | undefined;
  /** Socket files LibreOffice made in /tmp (its single-instance and UNO pipes), removed on cleanup. */
  files?: string[] | undefined;
  /** The document LibreOffice opened (its `.~lock.NAME#` file is removed on cleanup). */
  document?: string | undefined;
  createdAt: string;
}

/** Finds a program on PATH (or an absolute path); undefined when it is not there. */
export function findProgram(name: string): string | undefined {
  if (name.startsWith('/')) return isExecutable(name) ? name : undefined;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** One thing the desktop backend needs, and the Debian package that provides it. */
export interface Requirement {
  /** A program name (looked up on PATH) or an absolute file path. */
  path: string;
  aptPackage: string;
  purpose: string;
  /** A file that only has to exist (a library), not be executable. */
  file?: boolean;
}

const LO_PROGRAM = '/usr/lib/libreoffice/program';

/** The programs and files a session of `app` needs. */
export function requirements(app: 'writer' | 'calc'): Requirement[] {
  return [
    { path: 'Xvfb', aptPackage: 'xvfb', purpose: 'the virtual X display' },
    { path: 'dbus-daemon', aptPackage: 'dbus', purpose: 'the session D-Bus' },
    {
      path: '/usr/libexec/at-spi-bus-launcher',
      aptPackage: 'at-spi2-core',
      purpose: 'the accessibility bus',
    },
    {
      path: 'soffice',
      aptPackage: app === 'writer' ? 'libreoffice-writer' : 'libreoffice-calc',
      purpose: 'LibreOffice',
    },
    app === 'writer'
      ? {
          path: `${LO_PROGRAM}/libswlo.so`,
          aptPackage: 'libreoffice-writer',
          purpose: 'LibreOffice Writer',
          file: true,
        }
      : {
          path: `${LO_PROGRAM}/libsclo.so`,
          aptPackage: 'libreoffice-calc',
          purpose: 'LibreOffice Calc',
          file: true,
        },
    {
      path: `${LO_PROGRAM}/libvclplug_gtk3lo.so`,
      aptPackage: 'libreoffice-gtk3',
      purpose: 'the GTK3 plugin that puts LibreOffice on the accessibility bus',
      file: true,
    },
    { path: 'xdotool', aptPackage: 'xdotool', purpose: 'real keyboard and mouse input' },
    { path: '/usr/bin/python3', aptPackage: 'python3', purpose: 'the UNO helper of the application APIs' },
    {
      path: '/usr/lib/python3/dist-packages/uno.py',
      aptPackage: 'python3-uno',
      purpose: 'the UNO bridge of the application APIs',
      file: true,
    },
  ];
}

/** Throws {@link LAM_DesktopDependencyError} naming the apt package of the first missing requirement. */
export function checkRequirements(list: readonly Requirement[]): void {
  for (const r of list) {
    const found = r.file ? existsSync(r.path) : findProgram(r.path) !== undefined;
    if (!found) {
      throw new LAM_DesktopDependencyError({
        missing: r.path,
        packageName: r.aptPackage,
        installCommand: `apt-get install -y --no-install-recommends ${r.aptPackage}`,
        purpose: r.purpose,
      });
    }
  }
}

/** The start time of a process (field 22 of /proc/PID/stat), or undefined when it is gone or a zombie. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
    return fields[19];
  } catch {
    return undefined;
  }
}

/** Whether a process runs (a zombie does not count). */
export function isRunning(pid: number): boolean {
  return processStart(pid) !== undefined;
}

/** The processes (other than this one) whose environment marks them as part of session `id`. */
export function findSessionProcesses(id: string): number[] {
  const mark = `${SESSION_ENV}=${id}`;
  const found: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return found;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid === process.pid) continue;
    try {
      const env = readFileSync(`/proc/${entry}/environ`, 'latin1');
      if (env.split('\0').includes(mark) && isRunning(pid)) found.push(pid);
    } catch {
      // gone, or not ours
    }
  }
  return found;
}

function kill(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/**
 * Kills everything a session started, synchronously: its process groups and every process marked
 * with its id (services D-Bus activated, soffice.bin after a restart), then removes its folder, the
 * X display's lock files and the document's LibreOffice lock file. Returns the pids it signalled.
 */
export function killSessionSync(record: SessionRecord): number[] {
  if (record.guardian !== undefined) kill(record.guardian, 'SIGKILL');
  for (const group of record.groups) kill(-group, 'SIGKILL');
  const marked = findSessionProcesses(record.id);
  for (const pid of marked) kill(pid, 'SIGKILL');
  removeLeftovers(record);
  return [...record.groups, ...marked];
}

function removeLeftovers(record: SessionRecord): void {
  const paths = [
    record.dir,
    `/tmp/.X${record.display}-lock`,
    `/tmp/.X11-unix/X${record.display}`,
    unoPipeFile(record.id),
    ...(record.files ?? []),
  ];
  if (record.document !== undefined) paths.push(lockFileOf(record.document));
  for (const path of paths) {
    try {
      rmSync(path, { recursive: true, force: true });
    } catch {
      // best effort
    }
  }
  restoreStatBuffer();
}

/**
 * Node 20's `fs.realpathSync`, with which `require` and `import` follow the links of pnpm's (and npm
 * workspaces') node_modules, reads the file type of the process's last synchronous stat for the folders
 * it has cached, and stops at one it takes for a socket. `rmSync` stats the sockets it removes (X's,
 * D-Bus's, LibreOffice's); after that, module resolution no longer follows links, and the first import
 * of a linked package (onnxruntime-node's, say) fails with "Cannot find module". A stat of a folder puts
 * a harmless file type back.
 */
function restoreStatBuffer(): void {
  try {
    statSync('/');
  } catch {
    // nothing to restore
  }
}

/** The socket file LibreOffice creates for a session's UNO pipe (`--accept=pipe,name=lam-ID`). */
export function unoPipeFile(id: string): string {
  return `/tmp/OSL_PIPE_${process.getuid?.() ?? 0}_lam-${id}`;
}

/**
 * The paths of the Unix sockets that processes listen on under /tmp (LibreOffice's `OSL_PIPE_*` files, which it
 * leaves behind when it is killed): the processes' socket inodes matched against /proc/net/unix.
 */
export function socketFiles(pids: readonly number[]): string[] {
  const inodes = new Set<string>();
  for (const pid of pids) {
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        try {
          const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
          if (m) inodes.add(m[1]!);
        } catch {
          // closed meanwhile
        }
      }
    } catch {
      // gone
    }
  }
  const files: string[] = [];
  try {
    for (const line of readFileSync('/proc/net/unix', 'utf8').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      const path = fields[7];
      if (path?.startsWith('/tmp/OSL_PIPE_') && inodes.has(fields[6] ?? '')) files.push(path);
    }
  } catch {
    // no /proc/net/unix
  }
  return [...new Set(files)];
}

/** LibreOffice's lock file for a document: `.~lock.NAME#` beside it. */
export function lockFileOf(document: string): string {
  const slash = document.lastIndexOf('/');
  return `${document.slice(0, slash + 1)}.~lock.${document.slice(slash + 1)}#`;
}

/** Writes (or rewrites) a session's record into its folder. */
export function writeRecord(record: SessionRecord): void {
  writeFileSync(join(record.dir, 'session.json'), `${JSON.stringify(record, null, 2)}\n`);
}

/** Reads the records of every session under a run folder (unreadable ones are skipped). */
export function listSessionRecords(runDir: string = defaultRunDir()): SessionRecord[] {
  let names: string[];
  try {
    names = readdirSync(runDir);
  } catch {
    return [];
  }
  const records: SessionRecord[] = [];
  for (const name of names) {
    try {
      records.push(JSON.parse(readFileSync(join(runDir, name, 'session.json'), 'utf8')) as SessionRecord);
    } catch {
      // a folder being created, or not a session
    }
  }
  return records;
}

/** What {@link reapDesktopSessions} cleaned up. */
export interface ReapedSession {
  id: string;
  ownerPid: number;
  display: number;
  /** The pids that were signalled. */
  killed: number[];
}

/**
 * Cleans up the sessions whose owner process is gone (a crashed or killed run): kills their
 * processes and removes their folders and lock files. Sessions of live owners are left alone.
 */
export function reapDesktopSessions(options: { runDir?: string } = {}): ReapedSession[] {
  const reaped: ReapedSession[] = [];
  for (const record of listSessionRecords(options.runDir)) {
    if (processStart(record.ownerPid) === record.ownerStart) continue;
    reaped.push({
      id: record.id,
      ownerPid: record.ownerPid,
      display: record.display,
      killed: killSessionSync(record),
    });
  }
  return reaped;
}

/**
 * Starts a small detached shell that waits for the owner to die and then kills the session, so a
 * session never outlives its owner (SIGKILL included). Returns its pid.
 */
export function startGuardian(record: SessionRecord): number {
  const script = [
    // Alive while /proc/OWNER/stat has the recorded start time (field 22) and is not a zombie.
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template
    'alive() { s=$(cat /proc/$OWNER/stat 2>/dev/null) || return 1; s=${s##*") "}; set -- $s; [ "$1" != Z ] && [ "${20}" = "$START" ]; }',
    'while alive; do sleep 1; done',
    'for g in $GROUPS_; do kill -TERM -- -$g 2>/dev/null; done',
    'sleep 1',
    'for g in $GROUPS_; do kill -KILL -- -$g 2>/dev/null; done',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template
    'for f in /proc/[0-9]*/environ; do p=${f#/proc/}; p=${p%/environ}; [ "$p" = "$$" ] && continue;',
    '  if tr "\\0" "\\n" < "$f" 2>/dev/null | grep -qx "$MARK"; then kill -KILL "$p" 2>/dev/null; fi; done',
    'rm -rf -- "$DIR" "/tmp/.X$DISPLAYNUM-lock" "/tmp/.X11-unix/X$DISPLAYNUM" "$PIPEFILE" $FILES',
    '[ -n "$LOCKFILE" ] && rm -f -- "$LOCKFILE"',
    'exit 0',
  ].join('\n');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    OWNER: String(record.ownerPid),
    START: record.ownerStart,
    GROUPS_: record.groups.join(' '),
    MARK: `${SESSION_ENV}=${record.id}`,
    DIR: record.dir,
    DISPLAYNUM: String(record.display),
    LOCKFILE: record.document ? lockFileOf(record.document) : '',
    PIPEFILE: unoPipeFile(record.id),
    FILES: (record.files ?? []).filter((f) => /^\/tmp\/OSL_PIPE_[\w.-]+$/.test(f)).join(' '),
  };
  const child = spawn('/bin/sh', ['-c', script], { detached: true, stdio: 'ignore', env });
  child.unref();
  return child.pid ?? -1;
}

const live = new Map<string, SessionRecord>();
let hooked = false;

function killAllSync(): void {
  for (const record of live.values()) killSessionSync(record);
  live.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  killAllSync();
  // Keep the default behaviour (exit) unless the program handles the signal itself.
  if (process.listenerCount(signal) === 1) {
    process.removeListener(signal, onSignal);
    process.kill(process.pid, signal);
  }
}

/** Registers a running session so that it is killed when this process exits or gets SIGINT / SIGTERM. */
export function trackSession(record: SessionRecord): void {
  live.set(record.id, record);
  if (hooked) return;
  hooked = true;
  process.on('exit', killAllSync);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onSignal);
}

/** Forgets a session that was closed normally. */
export function untrackSession(id: string): void {
  live.delete(id);
}
