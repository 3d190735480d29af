const marker = Symbol.for('lam.error');

/**
 * The base class of every error the toolkit throws. `LamError.isInstance` recognises
 * errors from any copy of the package (two versions installed side by side, or ESM
 * next to CJS), where `instanceof` would not.
 */
export class LamError extends Error {
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: read through the symbol by isInstance
  private readonly [marker] = true;

  constructor(
    /** A stable machine-readable name such as `LAM_ValidationError`. */
    override readonly name: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  static isInstance(error: unknown): error is LamError {
    return (
      typeof error === 'object' &&
      error !== null &&
      marker in error &&
      (error as Record<symbol, unknown>)[marker] === true
    );
  }
}

function hasName(error: unknown, name: string): boolean {
  return LamError.isInstance(error) && error.name === name;
}

/** One problem found while validating a value, with the path of the field it concerns. */
export interface ValidationIssue {
  /** Path from the record's root to the offending field, e.g. `['decision', 'status']`. */
  path: (string | number)[];
  /** What is wrong, in words. */
  message: string;
  /** The zod issue code (`invalid_type`, `unrecognized_keys`, `custom`, ...). */
  code: string;
}

/** Where a record came from, used to make errors point at it. */
export interface RecordLocation {
  /** The kind of record, e.g. `Step` or `UFO execution record`. */
  record?: string;
  /** The file the record was read from. */
  file?: string;
  /** 1-based line number in `file`. */
  line?: number;
}

/** Renders a field path as `decision.args.text` or `plan[2]`; the root is `(root)`. */
export function formatPath(path: readonly (string | number)[]): string {
  if (path.length === 0) return '(root)';
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(part)}]`;
  }
  return out;
}

function where(location: RecordLocation): string {
  const what = location.record ?? 'record';
  if (location.file !== undefined && location.line !== undefined)
    return `${what} at ${location.file}:${location.line}`;
  if (location.line !== undefined) return `${what} on line ${location.line}`;
  if (location.file !== undefined) return `${what} in ${location.file}`;
  return what;
}

/**
 * A value does not match its schema. `issues` lists every problem with its field path;
 * `record`, `file` and `line` say which record it was.
 */
export class LAM_ValidationError extends LamError {
  readonly record: string | undefined;
  readonly file: string | undefined;
  readonly line: number | undefined;
  readonly issues: ValidationIssue[];

  constructor(options: RecordLocation & { issues: ValidationIssue[]; cause?: unknown }) {
    const shown = options.issues.slice(0, 10).map((i) => `  - ${formatPath(i.path)}: ${i.message}`);
    const more =
      options.issues.length > 10 ? [`  - ... and ${options.issues.length - 10} more (see error.issues)`] : [];
    super(
      'LAM_ValidationError',
      `Invalid ${where(options)}: ${options.issues.length} problem${options.issues.length === 1 ? '' : 's'}\n${[...shown, ...more].join('\n')}\nFix the field${options.issues.length === 1 ? '' : 's'} named above (see the schema's JSON Schema for the expected shape)${options.file !== undefined || options.line !== undefined ? ', or skip invalid records when reading' : ''}.`,
      { cause: options.cause },
    );
    this.record = options.record;
    this.file = options.file;
    this.line = options.line;
    this.issues = options.issues;
  }

  static override isInstance(error: unknown): error is LAM_ValidationError {
    return hasName(error, 'LAM_ValidationError');
  }
}

/** A JSONL line is not valid JSON (and is not the torn last line of the file). */
export class LAM_JsonlParseError extends LamError {
  readonly file: string;
  readonly line: number;
  /** The start of the offending line, at most 200 characters. */
  readonly excerpt: string;

  constructor(options: { file: string; line: number; excerpt: string; cause?: unknown }) {
    const reason = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(
      'LAM_JsonlParseError',
      `Line ${options.line} of ${options.file} is not valid JSON (${reason}): ${JSON.stringify(options.excerpt)}. Each line must hold exactly one JSON value; fix or remove that line, or read with { skipInvalid: true } to skip it and get it in the report.`,
      { cause: options.cause },
    );
    this.file = options.file;
    this.line = options.line;
    this.excerpt = options.excerpt;
  }

  static override isInstance(error: unknown): error is LAM_JsonlParseError {
    return hasName(error, 'LAM_JsonlParseError');
  }
}

/**
 * The file's last line has no newline and is not valid JSON: a writer stopped in the
 * middle of a record (a crash or a full disk). The records before it are intact.
 */
export class LAM_JsonlTornLineError extends LamError {
  readonly file: string;
  readonly line: number;
  /** Byte offset where the torn line starts: truncate the file there to drop it. */
  readonly byteOffset: number;
  /** Length of the torn line in bytes. */
  readonly byteLength: number;
  readonly excerpt: string;

  constructor(options: {
    file: string;
    line: number;
    byteOffset: number;
    byteLength: number;
    excerpt: string;
  }) {
    super(
      'LAM_JsonlTornLineError',
      `The last line (${options.line}) of ${options.file} is incomplete: ${options.byteLength} bytes with no newline that are not valid JSON, so a write was cut off (the process stopped mid-record). Records before it are intact. Call truncateTornLine(file) to move the torn bytes to ${options.file}.torn and continue, or read with { skipInvalid: true } to get it in the report.`,
    );
    this.file = options.file;
    this.line = options.line;
    this.byteOffset = options.byteOffset;
    this.byteLength = options.byteLength;
    this.excerpt = options.excerpt;
  }

  static override isInstance(error: unknown): error is LAM_JsonlTornLineError {
    return hasName(error, 'LAM_JsonlTornLineError');
  }
}

/** A record could not be written to a JSONL file (not serialisable, or the file failed). */
export class LAM_JsonlWriteError extends LamError {
  readonly file: string;

  constructor(options: { file: string; reason: string; cause?: unknown }) {
    super('LAM_JsonlWriteError', `Cannot append to ${options.file}: ${options.reason}`, {
      cause: options.cause,
    });
    this.file = options.file;
  }

  static override isInstance(error: unknown): error is LAM_JsonlWriteError {
    return hasName(error, 'LAM_JsonlWriteError');
  }
}

/** An action names a function that is not in the action registry. */
export class LAM_UnknownActionError extends LamError {
  readonly functionName: string;
  readonly known: string[];

  constructor(options: { functionName: string; known: string[] }) {
    super(
      'LAM_UnknownActionError',
      `Unknown action function ${JSON.stringify(options.functionName)}. Known functions: ${options.known.map((k) => JSON.stringify(k)).join(', ')}. Use one of them, or register the function with registry.register(defineAction({ name, description, args, control, category, examples })).`,
    );
    this.functionName = options.functionName;
    this.known = options.known;
  }

  static override isInstance(error: unknown): error is LAM_UnknownActionError {
    return hasName(error, 'LAM_UnknownActionError');
  }
}

/** A function is registered twice under the same name. */
export class LAM_DuplicateActionError extends LamError {
  readonly functionName: string;

  constructor(options: { functionName: string }) {
    super(
      'LAM_DuplicateActionError',
      `Action function ${JSON.stringify(options.functionName)} is already registered. Pick another name, or pass { replace: true } to register() to replace it on purpose.`,
    );
    this.functionName = options.functionName;
  }

  static override isInstance(error: unknown): error is LAM_DuplicateActionError {
    return hasName(error, 'LAM_DuplicateActionError');
  }
}

/** A record cannot be converted to or from another format (UFO, the paper's keys) without losing data. */
export class LAM_ConversionError extends LamError {
  readonly format: string;
  readonly path: (string | number)[];

  constructor(options: { format: string; path: (string | number)[]; reason: string; fix: string }) {
    super(
      'LAM_ConversionError',
      `Cannot convert ${options.format} at ${formatPath(options.path)}: ${options.reason}. ${options.fix}`,
    );
    this.format = options.format;
    this.path = options.path;
  }

  static override isInstance(error: unknown): error is LAM_ConversionError {
    return hasName(error, 'LAM_ConversionError');
  }
}
