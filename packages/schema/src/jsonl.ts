import {
  appendFileSync,
  close,
  closeSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  open,
  openSync,
  read,
  readSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';
import type { z } from 'zod';
import {
  LAM_JsonlParseError,
  LAM_JsonlTornLineError,
  LAM_JsonlWriteError,
  type LAM_ValidationError,
} from './errors';
import { compiledSchema, safeValidate } from './validate';

const NEWLINE = 0x0a;
const EXCERPT = 200;
/** Reads ahead while a chunk is parsed: enough that a busy machine's I/O threads keep up. */
const READS_IN_FLIGHT = 4;

function openForReading(file: string): Promise<number> {
  return new Promise((resolve, reject) => open(file, 'r', (e, fd) => (e ? reject(e) : resolve(fd))));
}

/** Reads into `buf` from `position`; a failure surfaces where the result is awaited, never as unhandled. */
function readAt(fd: number, buf: Buffer, position: number): Promise<number> {
  const reading = new Promise<number>((resolve, reject) =>
    read(fd, buf, 0, buf.length, position, (e, n) => (e ? reject(e) : resolve(n))),
  );
  reading.catch(() => {});
  return reading;
}

const settled = (p: Promise<unknown>): Promise<void> =>
  p.then(
    () => {},
    () => {},
  );

/**
 * Reads a file in chunks with a few reads in flight, into buffers that are reused: the next chunks
 * are read while one is parsed, and no buffer is allocated per chunk (a fresh buffer per chunk, as a
 * read stream allocates, costs a page fault per 4 KiB: a tenth of the time of a large read).
 */
class ChunkReader {
  private readonly queue: { buf: Buffer; position: number; done: Promise<number> }[] = [];
  private next = 0; // file offset of the next read to start
  private lent: Buffer | undefined;

  constructor(
    private readonly fd: number,
    chunkSize: number,
    depth: number,
  ) {
    for (let i = 0; i < depth; i++) this.start(Buffer.allocUnsafe(chunkSize));
  }

  private start(buf: Buffer): void {
    this.queue.push({ buf, position: this.next, done: readAt(this.fd, buf, this.next) });
    this.next += buf.length;
  }

  /** The next chunk, empty at the end of the file. It is valid until the next call. */
  async read(): Promise<Buffer> {
    if (this.lent !== undefined) this.start(this.lent);
    this.lent = undefined;
    const head = this.queue.shift()!;
    const n = await head.done;
    if (n < head.buf.length) {
      // A short read (the end of the file): the reads started after it assumed a full one.
      const stale = this.queue.splice(0);
      for (const r of stale) await settled(r.done);
      this.next = head.position + n;
      for (const r of stale) this.start(r.buf);
    }
    this.lent = head.buf;
    return head.buf.subarray(0, n);
  }

  /** Waits for the reads in flight (a descriptor is never closed under one), then closes the file. */
  async close(): Promise<void> {
    for (const r of this.queue.splice(0)) await settled(r.done);
    await new Promise<void>((resolve) => close(this.fd, () => resolve()));
  }
}

/** Options of {@link readJsonl}. */
export interface ReadJsonlOptions<S extends z.ZodType | undefined = undefined> {
  /** Validate each record with this schema; records are yielded parsed. */
  schema?: S;
  /** The record's name in errors, e.g. `Step` (default: `record`). */
  record?: string;
  /**
   * Skip lines that are not valid JSON, fail validation, or are a torn last line, instead of
   * throwing; each one is listed in `report.skipped`.
   */
  skipInvalid?: boolean;
  /** Called for each skipped line as it is met. */
  onSkip?: (skipped: JsonlSkippedLine) => void;
  /**
   * Read buffer size in bytes (default 256 KiB); `batches()` gives one array per chunk. Larger
   * chunks hold more parsed records at once, which costs more in garbage collection than it saves.
   */
  chunkSize?: number;
  /**
   * Validate through zod's compiled fast path (`z.compile`, default true): same results and errors,
   * several times faster. A refinement or transform of `schema` may then run twice on an invalid
   * record (once in the fast path, once to build the error); pass `false` if yours has side effects.
   */
  compile?: boolean;
}

/** A line that {@link readJsonl} skipped with `skipInvalid`. */
export interface JsonlSkippedLine {
  line: number;
  /** `parse`: not JSON; `validation`: JSON that fails the schema; `torn`: the incomplete last line. */
  kind: 'parse' | 'validation' | 'torn';
  /** The error that would have been thrown. */
  error: LAM_JsonlParseError | LAM_ValidationError | LAM_JsonlTornLineError;
}

/** What a read found: counts, skipped lines, and the state of the file's end. */
export interface JsonlReadReport {
  file: string;
  /** Lines read, blank ones included. */
  lines: number;
  /** Records yielded. */
  records: number;
  /** Blank lines, which are ignored. */
  blankLines: number;
  skipped: JsonlSkippedLine[];
  /** The torn last line, if the file ends with one (a writer stopped mid-record). */
  tornLastLine: { line: number; byteOffset: number; byteLength: number } | null;
  /** The last line is a complete record but has no newline after it (written by hand or by another tool). */
  missingFinalNewline: boolean;
  /** Whether the whole file has been read. */
  done: boolean;
}

/** A record with the 1-based line it was read from. */
export interface JsonlEntry<T> {
  line: number;
  value: T;
}

type Output<S> = S extends z.ZodType ? z.output<S> : unknown;

/**
 * Reads a JSONL file as a stream: one JSON record per line, validated with `schema` when
 * given, in constant memory. Iterate it (`for await (const record of reader)`) or its
 * `entries()` for line numbers; `report` fills in as it goes.
 */
export class JsonlReader<T> implements AsyncIterable<T> {
  readonly report: JsonlReadReport;
  private started = false;
  private readonly schema: z.ZodType | undefined;

  constructor(
    readonly file: string,
    private readonly options: ReadJsonlOptions<z.ZodType | undefined>,
  ) {
    const { schema } = options;
    this.schema = schema !== undefined && options.compile !== false ? compiledSchema(schema) : schema;
    this.report = {
      file,
      lines: 0,
      records: 0,
      blankLines: 0,
      skipped: [],
      tornLastLine: null,
      missingFinalNewline: false,
      done: false,
    };
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for await (const batch of this.run()) for (const entry of batch) yield entry.value;
  }

  /** The records with their line numbers. A reader can be iterated once. */
  async *entries(): AsyncGenerator<JsonlEntry<T>> {
    for await (const batch of this.run()) yield* batch;
  }

  /**
   * The records with their line numbers, as one array per chunk read (about `chunkSize` bytes).
   * Faster than `entries()` for long files, as there is one await per chunk instead of one per
   * record. When a line fails, the records before it come first in a batch of their own.
   */
  batches(): AsyncGenerator<JsonlEntry<T>[]> {
    return this.run();
  }

  private async *run(): AsyncGenerator<JsonlEntry<T>[]> {
    if (this.started) throw new Error('A JsonlReader can be iterated only once; call readJsonl() again.');
    this.started = true;
    const { chunkSize = 1 << 18 } = this.options;
    const reader = new ChunkReader(await openForReading(this.file), chunkSize, READS_IN_FLIGHT);
    // The start of a line that goes on in the next chunk: copied out (the buffer is reused), alone.
    let carry: Buffer | null = null;
    let carryOffset = 0; // byte offset in the file of carry[0]
    let chunkOffset = 0; // byte offset in the file of the current chunk's first byte
    let lineNo = 0;
    let batch: JsonlEntry<T>[] = [];
    try {
      for (;;) {
        const chunk = await reader.read();
        if (chunk.length === 0) break;
        let start = 0;
        let nl = chunk.indexOf(NEWLINE);
        if (carry !== null) {
          if (nl === -1) {
            carry = Buffer.concat([carry, chunk]);
            chunkOffset += chunk.length;
            continue;
          }
          const line = Buffer.concat([carry, chunk.subarray(0, nl)]);
          carry = null;
          lineNo++;
          const entry = this.handleLine(line, 0, line.length, lineNo);
          if (entry !== undefined) batch.push(entry);
          start = nl + 1;
          nl = chunk.indexOf(NEWLINE, start);
        }
        while (nl !== -1) {
          lineNo++;
          const entry = this.handleLine(chunk, start, nl, lineNo);
          if (entry !== undefined) batch.push(entry);
          start = nl + 1;
          nl = chunk.indexOf(NEWLINE, start);
        }
        if (start < chunk.length) {
          carry = Buffer.from(chunk.subarray(start));
          carryOffset = chunkOffset + start;
        }
        chunkOffset += chunk.length;
        if (batch.length > 0) {
          yield batch;
          batch = [];
        }
      }
      if (carry !== null) {
        lineNo++;
        const text = carry.toString('utf8');
        const entry = this.handleLastLine(text, lineNo, carryOffset, carry.length);
        if (entry !== undefined) batch.push(entry);
      }
      this.report.done = true;
    } catch (error) {
      // Hand over the records read before the failing line, then fail.
      if (batch.length > 0) yield batch;
      throw error;
    } finally {
      await reader.close();
    }
    if (batch.length > 0) yield batch;
  }

  /** Line `line` is `buf[start, nl)`, without its newline. */
  private handleLine(buf: Buffer, start: number, nl: number, line: number): JsonlEntry<T> | undefined {
    this.report.lines = line;
    const end = nl > start && buf[nl - 1] === 0x0d ? nl - 1 : nl;
    const text = buf.toString('utf8', start, end);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (cause) {
      if (text.trim() === '') {
        this.report.blankLines++;
        return undefined;
      }
      const error = new LAM_JsonlParseError({
        file: this.file,
        line,
        excerpt: text.slice(0, EXCERPT),
        cause,
      });
      return this.skip({ line, kind: 'parse', error });
    }
    return this.accept(parsed, line);
  }

  private handleLastLine(
    text: string,
    line: number,
    byteOffset: number,
    byteLength: number,
  ): JsonlEntry<T> | undefined {
    this.report.lines = line;
    if (text.trim() === '') {
      this.report.blankLines++;
      return undefined;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      this.report.tornLastLine = { line, byteOffset, byteLength };
      const error = new LAM_JsonlTornLineError({
        file: this.file,
        line,
        byteOffset,
        byteLength,
        excerpt: text.slice(0, EXCERPT),
      });
      return this.skip({ line, kind: 'torn', error });
    }
    this.report.missingFinalNewline = true;
    return this.accept(parsed, line);
  }

  private accept(parsed: unknown, line: number): JsonlEntry<T> | undefined {
    const { schema } = this;
    if (schema !== undefined) {
      const result = safeValidate(schema, parsed, { record: this.options.record, file: this.file, line });
      if (!result.success) return this.skip({ line, kind: 'validation', error: result.error });
      parsed = result.data;
    }
    this.report.records++;
    return { line, value: parsed as T };
  }

  private skip(skipped: JsonlSkippedLine): undefined {
    if (this.options.skipInvalid !== true) throw skipped.error;
    this.report.skipped.push(skipped);
    this.options.onSkip?.(skipped);
    return undefined;
  }
}

/**
 * Opens a JSONL file for streaming reads. Errors name the file, the line and the field path:
 * {@link LAM_JsonlParseError} (not JSON), {@link LAM_ValidationError} (fails `schema`),
 * {@link LAM_JsonlTornLineError} (incomplete last line). With `skipInvalid` they are skipped
 * and listed in `reader.report.skipped` instead.
 */
export function readJsonl<S extends z.ZodType | undefined = undefined>(
  file: string,
  options: ReadJsonlOptions<S> = {},
): JsonlReader<Output<S>> {
  return new JsonlReader<Output<S>>(file, options);
}

/** Reads a whole JSONL file into an array (see {@link readJsonl}); for large files prefer iterating. */
export async function readJsonlAll<S extends z.ZodType | undefined = undefined>(
  file: string,
  options: ReadJsonlOptions<S> = {},
): Promise<{ records: Output<S>[]; report: JsonlReadReport }> {
  const reader = readJsonl(file, options);
  const records: Output<S>[] = [];
  for await (const batch of reader.batches())
    for (const entry of batch) records.push(entry.value as Output<S>);
  return { records, report: reader.report };
}

/** Options of {@link openJsonlWriter}. */
export interface JsonlWriterOptions<S extends z.ZodType | undefined = undefined> {
  /** Validate each record before writing; an invalid one throws and nothing is written. */
  schema?: S;
  /** The record's name in errors. */
  record?: string;
  /**
   * `fsync` after each record so it survives a power loss, not only a crash of the process
   * (default true). Turn off for bulk writes where speed matters more.
   */
  fsync?: boolean;
  /**
   * What to do when the file ends with a torn line (a previous writer stopped mid-record):
   * `error` (default) throws {@link LAM_JsonlTornLineError}; `newline` starts a new line after
   * it, so the torn line stays in the file and is reported as invalid on read.
   */
  tornTail?: 'error' | 'newline';
  /** Create the parent directory if needed (default true). */
  mkdir?: boolean;
  /** Validate through zod's compiled fast path (default true); see {@link ReadJsonlOptions.compile}. */
  compile?: boolean;
}

type Input<S> = S extends z.ZodType ? z.input<S> : unknown;

/** Reads the last line of an open file if it has no newline; null if the file is empty or ends with one. */
function unterminatedTail(
  fd: number,
): { text: string; bytes: Buffer; byteOffset: number; byteLength: number } | null {
  const size = fstatSync(fd).size;
  if (size === 0) return null;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  if (last[0] === NEWLINE) return null;
  // Walk back to the previous newline, 64 KiB at a time.
  const parts: Buffer[] = [];
  let pos = size;
  let start = 0;
  while (pos > 0) {
    const len = Math.min(65536, pos);
    const chunk = Buffer.alloc(len);
    readSync(fd, chunk, 0, len, pos - len);
    const nl = chunk.lastIndexOf(NEWLINE);
    if (nl !== -1) {
      parts.unshift(chunk.subarray(nl + 1));
      start = pos - len + nl + 1;
      break;
    }
    parts.unshift(chunk);
    pos -= len;
  }
  const bytes = Buffer.concat(parts);
  return { text: bytes.toString('utf8'), bytes, byteOffset: start, byteLength: bytes.length };
}

function countLines(fd: number, upTo: number): number {
  let lines = 1;
  const buf = Buffer.alloc(1 << 16);
  for (let pos = 0; pos < upTo; pos += buf.length) {
    const n = readSync(fd, buf, 0, Math.min(buf.length, upTo - pos), pos);
    for (let i = 0; i < n; i++) if (buf[i] === NEWLINE) lines++;
  }
  return lines;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function writeAll(fd: number, data: Buffer): void {
  let off = 0;
  while (off < data.length) off += writeSync(fd, data, off, data.length - off);
}

/**
 * An append-only JSONL file: each `append` validates the record, writes it as one line in a
 * single write, and (by default) fsyncs, so a crash loses at most the record being written and
 * never merges two records.
 */
export class JsonlWriter<T> {
  private fd: number | null;
  private written = 0;
  private readonly schema: z.ZodType | undefined;

  constructor(
    readonly file: string,
    private readonly options: JsonlWriterOptions<z.ZodType | undefined> = {},
  ) {
    const { schema } = options;
    this.schema = schema !== undefined && options.compile !== false ? compiledSchema(schema) : schema;
    if (options.mkdir ?? true) mkdirSync(dirname(file), { recursive: true });
    try {
      this.fd = openSync(file, 'a+');
    } catch (cause) {
      throw new LAM_JsonlWriteError({
        file,
        reason: `the file cannot be opened (${(cause as Error).message}); check the path and its permissions`,
        cause,
      });
    }
    const tail = unterminatedTail(this.fd);
    if (tail !== null) {
      if (!isJson(tail.text) && (options.tornTail ?? 'error') === 'error') {
        const line = countLines(this.fd, tail.byteOffset);
        closeSync(this.fd);
        this.fd = null;
        throw new LAM_JsonlTornLineError({
          file,
          line,
          byteOffset: tail.byteOffset,
          byteLength: tail.byteLength,
          excerpt: tail.text.slice(0, EXCERPT),
        });
      }
      // A complete last record without newline, or a torn line kept on purpose: start a new line.
      writeAll(this.fd, Buffer.from('\n'));
    }
  }

  /** Records appended through this writer. */
  get count(): number {
    return this.written;
  }

  /** Validates, serialises and appends one record; returns the value written (parsed, defaults filled in). */
  append(record: T): T {
    if (this.fd === null)
      throw new LAM_JsonlWriteError({ file: this.file, reason: 'the writer is closed; open a new one' });
    let value: unknown = record;
    const { schema } = this;
    if (schema !== undefined) {
      const result = safeValidate(schema, record, { record: this.options.record, file: this.file });
      if (!result.success) throw result.error;
      value = result.data;
    }
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch (cause) {
      throw new LAM_JsonlWriteError({
        file: this.file,
        reason: `the record is not serialisable as JSON (${(cause as Error).message}); remove cycles and BigInt values`,
        cause,
      });
    }
    if (text === undefined) {
      throw new LAM_JsonlWriteError({
        file: this.file,
        reason: `a ${typeof value} is not a JSON value; append an object`,
      });
    }
    writeAll(this.fd, Buffer.from(`${text}\n`, 'utf8'));
    if (this.options.fsync ?? true) fsyncSync(this.fd);
    this.written++;
    return value as T;
  }

  /** Appends records one by one (each flushed as by `append`). */
  appendMany(records: Iterable<T>): void {
    for (const r of records) this.append(r);
  }

  /** Closes the file. Further appends throw. */
  close(): void {
    if (this.fd === null) return;
    closeSync(this.fd);
    this.fd = null;
  }
}

/** Opens `file` for appending records (see {@link JsonlWriter}); close it when done. */
export function openJsonlWriter<S extends z.ZodType | undefined = undefined>(
  file: string,
  options: JsonlWriterOptions<S> = {},
): JsonlWriter<Input<S>> {
  return new JsonlWriter<Input<S>>(file, options);
}

/** Appends records to a JSONL file in one call (opens, appends each record flushed, closes). */
export function appendJsonl<S extends z.ZodType | undefined = undefined>(
  file: string,
  records: Input<S> | readonly Input<S>[],
  options: JsonlWriterOptions<S> = {},
): void {
  const writer = openJsonlWriter(file, options);
  try {
    if (Array.isArray(records)) writer.appendMany(records as Input<S>[]);
    else writer.append(records as Input<S>);
  } finally {
    writer.close();
  }
}

/**
 * Removes a torn last line from a JSONL file so that it can be appended to again: the torn
 * bytes are appended to `<file>.torn` first (nothing is lost), then the file is truncated.
 * Returns what was done; a file without a torn line is left as it is.
 */
export function truncateTornLine(file: string): {
  truncated: boolean;
  byteLength: number;
  savedTo: string | null;
} {
  const fd = openSync(file, 'r+');
  try {
    const tail = unterminatedTail(fd);
    if (tail === null || isJson(tail.text)) return { truncated: false, byteLength: 0, savedTo: null };
    const savedTo = `${file}.torn`;
    appendFileSync(savedTo, Buffer.concat([tail.bytes, Buffer.from('\n')]));
    ftruncateSync(fd, tail.byteOffset);
    fsyncSync(fd);
    return { truncated: true, byteLength: tail.byteLength, savedTo };
  } finally {
    closeSync(fd);
  }
}
