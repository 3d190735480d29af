import { LamError } from '@lam/schema';

function hasName(error: unknown, name: string): boolean {
  return LamError.isInstance(error) && error.name === name;
}

/** A program or package the desktop backend needs is not installed. */
export class LAM_DesktopDependencyError extends LamError {
  /** What is missing: a program (`Xvfb`), a library file, or an npm package (`dbus-next`). */
  readonly missing: string;
  /** The package that provides it, e.g. `xvfb` (Debian) or `dbus-next` (npm). */
  readonly packageName: string;
  readonly installCommand: string;

  constructor(options: {
    missing: string;
    packageName: string;
    installCommand: string;
    purpose: string;
    cause?: unknown;
  }) {
    super(
      'LAM_DesktopDependencyError',
      `${options.missing} is not installed (${options.purpose}): ${options.installCommand}`,
      { cause: options.cause },
    );
    this.missing = options.missing;
    this.packageName = options.packageName;
    this.installCommand = options.installCommand;
  }

  static override isInstance(error: unknown): error is LAM_DesktopDependencyError {
    return hasName(error, 'LAM_DesktopDependencyError');
  }
}

/** A part of the desktop session (Xvfb, D-Bus, the AT-SPI bus, LibreOffice) did not come up in time. */
export class LAM_DesktopStartError extends LamError {
  /** The step that failed: `xvfb`, `dbus`, `atspi`, `soffice`, `uno`, `window`. */
  readonly stage: string;
  readonly timeoutMs: number | undefined;
  /** The last lines the failed program printed, if any. */
  readonly log: string;

  constructor(options: {
    stage: string;
    problem: string;
    timeoutMs?: number;
    log?: string;
    cause?: unknown;
  }) {
    const log = options.log?.trim() ?? '';
    super(
      'LAM_DesktopStartError',
      `The desktop session failed at ${options.stage}: ${options.problem}.${log ? `\nIts output ended with:\n${log}` : ''}\nCheck that the document opens with \`soffice\` by hand, that the machine is not out of memory, or raise startTimeoutMs on a slow machine.`,
      { cause: options.cause },
    );
    this.stage = options.stage;
    this.timeoutMs = options.timeoutMs;
    this.log = log;
  }

  static override isInstance(error: unknown): error is LAM_DesktopStartError {
    return hasName(error, 'LAM_DesktopStartError');
  }
}

/** LibreOffice (or the X server) of a session exited while the session was in use. */
export class LAM_DesktopAppGoneError extends LamError {
  readonly program: string;
  readonly pid: number | undefined;
  readonly exitCode: number | null;
  readonly signal: string | null;

  constructor(options: {
    program: string;
    pid?: number;
    exitCode: number | null;
    signal: string | null;
    during?: string;
  }) {
    const how = options.signal ? `was killed by ${options.signal}` : `exited with code ${options.exitCode}`;
    super(
      'LAM_DesktopAppGoneError',
      `${options.program}${options.pid ? ` (pid ${options.pid})` : ''} ${how}${options.during ? ` during ${options.during}` : ''}. The session is unusable: close it and start a new one (unsaved changes are lost).`,
    );
    this.program = options.program;
    this.pid = options.pid;
    this.exitCode = options.exitCode;
    this.signal = options.signal;
  }

  static override isInstance(error: unknown): error is LAM_DesktopAppGoneError {
    return hasName(error, 'LAM_DesktopAppGoneError');
  }
}

/** A call to the application (over D-Bus, UNO or the X server) did not answer in time. */
export class LAM_DesktopTimeoutError extends LamError {
  readonly operation: string;
  readonly timeoutMs: number;

  constructor(options: { operation: string; timeoutMs: number }) {
    super(
      'LAM_DesktopTimeoutError',
      `${options.operation} did not answer within ${options.timeoutMs} ms. LibreOffice may be busy (a modal dialog, a long recalculation) or hung: take a screenshot to see, close the dialog, or raise the timeout.`,
    );
    this.operation = options.operation;
    this.timeoutMs = options.timeoutMs;
  }

  static override isInstance(error: unknown): error is LAM_DesktopTimeoutError {
    return hasName(error, 'LAM_DesktopTimeoutError');
  }
}

/** An application API (run through LibreOffice's UNO bridge) failed. */
export class LAM_DesktopApiError extends LamError {
  readonly functionName: string;
  readonly detail: string;

  constructor(options: { functionName: string; detail: string; fix: string }) {
    super('LAM_DesktopApiError', `${options.functionName} failed: ${options.detail}. ${options.fix}`);
    this.functionName = options.functionName;
    this.detail = options.detail;
  }

  static override isInstance(error: unknown): error is LAM_DesktopApiError {
    return hasName(error, 'LAM_DesktopApiError');
  }
}

/** A saved document could not be read by the state readers. */
export class LAM_DocumentReadError extends LamError {
  readonly file: string;

  constructor(options: { file: string; problem: string; fix: string; cause?: unknown }) {
    super('LAM_DocumentReadError', `Cannot read ${options.file}: ${options.problem}. ${options.fix}`, {
      cause: options.cause,
    });
    this.file = options.file;
  }

  static override isInstance(error: unknown): error is LAM_DocumentReadError {
    return hasName(error, 'LAM_DocumentReadError');
  }
}
