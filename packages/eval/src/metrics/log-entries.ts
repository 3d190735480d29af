import { open } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { LAM_JsonlParseError, LAM_JsonlTornLineError } from '@lam/schema';

/**
 * A trajectory log as the metrics read it: per record, its kind, its trajectory, one text (the task of
 * a start, the status of an end) and four numbers. Parsing JSON is most of the time of reading a log,
 * so large logs are parsed in worker threads that hand back only these columns.
 */
export interface LogEntries {
  /** 0 trajectory-start, 1 step, 2 trajectory-end. */
  kinds: ArrayLike<number>;
  /** The trajectory of each record, as an index into `names`. */
  ids: ArrayLike<number>;
  /** The task id of a start, the status of an end, as an index into `names`; -1 for none. */
  texts: ArrayLike<number>;
  /**
   * Four per record: start [startedAt ms]; step [modelMs, envMs, inputTokens, outputTokens], NaN where
   * the step has none; end [finishedAt ms].
   */
  numbers: ArrayLike<number>;
  /** The strings of the block, each once (a trajectory's many records share one). */
  names: string[];
  /** Lines read, blank ones included. */
  lines: number;
  /** The first line that is not a log record (its number counts from the block's first line, 1). */
  error?: { line: number; kind: 'parse' | 'shape'; problem: string; excerpt: string };
}

/** {@link LogEntries} while they are decoded. */
export interface LogEntriesBuilder extends LogEntries {
  kinds: number[];
  ids: number[];
  texts: number[];
  numbers: number[];
  nameIndex: Map<string, number>;
}

/** A log record's fields as the metrics read them, before any check. */
interface LooseLogRecord {
  kind?: unknown;
  trajectoryId?: unknown;
  taskId?: unknown;
  status?: unknown;
  startedAt?: unknown;
  finishedAt?: unknown;
  step?: {
    timings?: { modelMs?: unknown; envMs?: unknown } | null;
    usage?: { inputTokens?: unknown; outputTokens?: unknown } | null;
  } | null;
}

/**
 * Adds one parsed record to `out`; returns what is wrong with it when it is not a log record.
 * Self-contained (the worker threads run its source).
 */
export function decodeLogRecord(value: unknown, out: LogEntriesBuilder): string | undefined {
  const r = value as LooseLogRecord | null;
  if (typeof r !== 'object' || r === null || typeof r.trajectoryId !== 'string') return 'no trajectoryId';
  let kind: number;
  let text: unknown;
  if (r.kind === 'step') {
    const timings = r.step?.timings;
    const usage = r.step?.usage;
    kind = 1;
    out.numbers.push(
      timings?.modelMs == null ? Number.NaN : Number(timings.modelMs),
      timings?.envMs == null ? Number.NaN : Number(timings.envMs),
      usage == null ? Number.NaN : Number(usage.inputTokens),
      usage == null ? Number.NaN : Number(usage.outputTokens),
    );
  } else if (r.kind === 'trajectory-start') {
    kind = 0;
    text = r.taskId;
    out.numbers.push(Date.parse(r.startedAt as string), 0, 0, 0);
  } else if (r.kind === 'trajectory-end') {
    kind = 2;
    text = String(r.status);
    out.numbers.push(Date.parse(r.finishedAt as string), 0, 0, 0);
  } else {
    return `unknown kind ${JSON.stringify(r.kind)}`;
  }
  out.kinds.push(kind);
  let id = out.nameIndex.get(r.trajectoryId);
  if (id === undefined) {
    id = out.names.push(r.trajectoryId) - 1;
    out.nameIndex.set(r.trajectoryId, id);
  }
  out.ids.push(id);
  if (typeof text === 'string') {
    let t = out.nameIndex.get(text);
    if (t === undefined) {
      t = out.names.push(text) - 1;
      out.nameIndex.set(text, t);
    }
    out.texts.push(t);
  } else {
    out.texts.push(-1);
  }
  return undefined;
}

/**
 * Parses the lines of `text` (a block of a log file) into `out`; stops at the first bad one. Uses
 * nothing but {@link decodeLogRecord} (the worker threads run both sources).
 */
export function decodeLogLines(text: string, out: LogEntriesBuilder): void {
  let start = 0;
  let line = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const next = end + 1;
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
    const source = text.slice(start, end);
    start = next;
    line++;
    let r: unknown;
    try {
      r = JSON.parse(source);
    } catch (cause) {
      if (source.trim() === '') continue;
      out.error = { line, kind: 'parse', problem: String(cause), excerpt: source.slice(0, 200) };
      break;
    }
    const problem = decodeLogRecord(r, out);
    if (problem !== undefined) {
      out.error = { line, kind: 'shape', problem, excerpt: source.slice(0, 200) };
      break;
    }
  }
  out.lines = line;
}

/** An empty builder. */
export function emptyEntries(): LogEntriesBuilder {
  return { kinds: [], ids: [], texts: [], numbers: [], names: [], nameIndex: new Map(), lines: 0 };
}

const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
${decodeLogRecord.toString()}
${decodeLogLines.toString()}
parentPort.on('message', ({ buffer, length }) => {
  const out = { kinds: [], ids: [], texts: [], numbers: [], names: [], nameIndex: new Map(), lines: 0 };
  ${decodeLogLines.name}(Buffer.from(buffer, 0, length).toString('utf8'), out);
  const block = {
    kinds: Uint8Array.from(out.kinds),
    ids: Int32Array.from(out.ids),
    texts: Int32Array.from(out.texts),
    numbers: Float64Array.from(out.numbers),
    names: out.names,
    lines: out.lines,
    error: out.error,
  };
  parentPort.postMessage(block, [block.kinds.buffer, block.ids.buffer, block.texts.buffer, block.numbers.buffer]);
});
`;

/**
 * A worker holds one block's text and records at a time: small heaps keep the memory of a read near
 * that of a read in one thread (V8 would otherwise let each worker's heap grow to tens of MiB).
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 32 };

/** Bytes per block handed to a worker (cut at a line end). */
const BLOCK_BYTES = 1 << 20;

/** Where a bad line of a log file is, for the error. */
export interface BadLogLine {
  line: number;
  problem: string;
}

/**
 * Reads a trajectory log in blocks that `workers` threads decode, and hands the decoded blocks to
 * `each` in file order. At most two blocks per worker are read ahead, so memory does not grow with
 * the file. Throws @lam/schema's JSONL errors for a line that is not JSON (a torn last line included)
 * and calls `shapeError` for one that is not a log record.
 */
export async function readLogEntriesInParallel(
  file: string,
  workers: number,
  each: (entries: LogEntries) => void,
  shapeError: (bad: BadLogLine) => Error,
): Promise<void> {
  const handle = await open(file, 'r');
  const pool = Array.from({ length: workers }, () => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, resourceLimits: WORKER_LIMITS });
    const waiting: { resolve: (e: LogEntries) => void; reject: (e: unknown) => void }[] = [];
    worker.on('message', (entries: LogEntries) => waiting.shift()?.resolve(entries));
    worker.on('error', (error) => {
      for (const w of waiting.splice(0)) w.reject(error);
    });
    return { worker, waiting };
  });
  let position = 0; // file offset of the next read
  let carry: Buffer = Buffer.alloc(0); // the start of a line that goes on in the next read
  let ended = false;
  let sent = 0;
  let linesBefore = 0;
  /** The next block of whole lines (the last one may lack its newline), or null at the end. */
  const readBlock = async (): Promise<{ buffer: Buffer; offset: number; final: boolean } | null> => {
    for (;;) {
      const buffer = Buffer.allocUnsafeSlow(carry.length + BLOCK_BYTES);
      carry.copy(buffer);
      const offset = position - carry.length;
      const { bytesRead } = await handle.read(buffer, carry.length, BLOCK_BYTES, position);
      position += bytesRead;
      const length = carry.length + bytesRead;
      if (bytesRead === 0) {
        carry = Buffer.alloc(0);
        return length === 0 ? null : { buffer: buffer.subarray(0, length), offset, final: true };
      }
      const cut = buffer.lastIndexOf(0x0a, length - 1) + 1;
      if (cut === 0) {
        carry = buffer.subarray(0, length); // no line end yet: read on
        continue;
      }
      carry = Buffer.from(buffer.subarray(cut, length));
      return { buffer: buffer.subarray(0, cut), offset, final: false };
    }
  };
  // A final block is the last line, with no newline after it: a torn write when it is not JSON.
  const inFlight: { done: Promise<LogEntries>; offset: number; bytes: number; final: boolean }[] = [];
  try {
    for (;;) {
      while (!ended && inFlight.length < 2 * workers) {
        const block = await readBlock();
        if (block === null) {
          ended = true;
          break;
        }
        const slot = pool[sent++ % workers]!;
        const done = new Promise<LogEntries>((resolve, reject) => slot.waiting.push({ resolve, reject }));
        const bytes = block.buffer.length;
        const ab = block.buffer.buffer as ArrayBuffer;
        slot.worker.postMessage({ buffer: ab, length: bytes }, [ab]); // moved, not copied
        inFlight.push({ done, offset: block.offset, bytes, final: block.final });
      }
      const head = inFlight.shift();
      if (head === undefined) break;
      const entries = await head.done;
      const bad = entries.error;
      if (bad !== undefined) {
        const line = linesBefore + bad.line;
        if (bad.kind === 'shape') throw shapeError({ line, problem: bad.problem });
        if (head.final)
          throw new LAM_JsonlTornLineError({
            file,
            line,
            byteOffset: head.offset,
            byteLength: head.bytes,
            excerpt: bad.excerpt,
          });
        throw new LAM_JsonlParseError({
          file,
          line,
          excerpt: bad.excerpt,
          cause: new SyntaxError(bad.problem),
        });
      }
      linesBefore += entries.lines;
      each(entries);
    }
  } finally {
    await Promise.all(pool.map(({ worker }) => worker.terminate()));
    await handle.close();
  }
}
