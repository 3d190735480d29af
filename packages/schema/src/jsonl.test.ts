import { spawn } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Decision } from './decision';
import {
  LAM_JsonlParseError,
  LAM_JsonlTornLineError,
  LAM_JsonlWriteError,
  LAM_ValidationError,
  LamError,
} from './errors';
import { appendJsonl, openJsonlWriter, readJsonl, readJsonlAll, truncateTornLine } from './jsonl';
import { jsonValue } from './test-utils/zod-arbitrary';
import { collectTrajectories, type Step, Step as StepSchema, TrajectoryLogRecord } from './trajectory';

const dir = mkdtempSync(join(tmpdir(), 'lam-schema-jsonl-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const tmp = (name = 'f') => join(dir, `${name}-${n++}.jsonl`);

const decision: Decision = {
  thought: 'Click Bold.',
  controlLabel: '3',
  controlName: 'Bold',
  function: 'click_input',
  args: { button: 'left', double: false },
  status: 'CONTINUE',
  plan: ['Type the title'],
};
const step = (index: number): Step => ({
  index,
  decision,
  result: { ok: true, durationMs: 12 },
  timings: { modelMs: 300, envMs: 40 },
});

async function errorOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

describe('append and read', () => {
  it('writes one validated record per line and reads them back with line numbers', async () => {
    const file = tmp();
    const writer = openJsonlWriter(file, { schema: StepSchema, record: 'Step' });
    writer.append({ index: 1, decision }); // timings filled in by the schema default
    writer.appendMany([step(2), step(3)]);
    writer.close();
    expect(writer.count).toBe(3);
    const text = readFileSync(file, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text.split('\n')).toHaveLength(4);
    const reader = readJsonl(file, { schema: StepSchema });
    const entries = [];
    for await (const e of reader.entries()) entries.push(e);
    expect(entries.map((e) => [e.line, e.value.index])).toEqual([
      [1, 1],
      [2, 2],
      [3, 3],
    ]);
    expect(entries[0]?.value.timings).toEqual({});
    expect(reader.report).toMatchObject({
      lines: 3,
      records: 3,
      skipped: [],
      tornLastLine: null,
      done: true,
    });
  });

  it('refuses an invalid record and writes nothing', () => {
    const file = tmp();
    appendJsonl(file, [step(1)], { schema: StepSchema });
    expect(() =>
      appendJsonl(
        file,
        { ...step(2), decision: { ...decision, status: 'DONE' as never } },
        { schema: StepSchema },
      ),
    ).toThrowError(/decision\.status/);
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('refuses values JSON cannot hold, with LAM_JsonlWriteError', () => {
    const file = tmp();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const bad of [cyclic, { n: 1n }, undefined]) {
      try {
        appendJsonl(file, bad as never);
        expect.unreachable();
      } catch (e) {
        expect(LAM_JsonlWriteError.isInstance(e)).toBe(true);
        expect((e as Error).message).toContain(file);
      }
    }
    expect(readFileSync(file, 'utf8')).toBe('');
  });

  it('reads any records back across chunk boundaries, multi-byte characters and CRLF included', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.dictionary(fc.string({ unit: 'binary', maxLength: 5 }), jsonValue, { maxKeys: 3 }), {
          maxLength: 12,
        }),
        fc.integer({ min: 1, max: 64 }),
        fc.boolean(),
        async (records, chunkSize, crlf) => {
          const file = tmp('prop');
          const normal = JSON.parse(JSON.stringify(records)) as unknown[];
          writeFileSync(file, normal.map((r) => `${JSON.stringify(r)}${crlf ? '\r\n' : '\n'}`).join(''));
          const { records: read, report } = await readJsonlAll(file, { chunkSize });
          expect(read).toEqual(normal);
          expect(report.records).toBe(normal.length);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('folds trajectory log lines back into trajectories', async () => {
    const file = tmp();
    const w = openJsonlWriter(file, { schema: TrajectoryLogRecord });
    w.append({
      kind: 'trajectory-start',
      trajectoryId: 't1',
      request: 'Make the title bold',
      startedAt: '2026-01-02T03:04:05Z',
    });
    w.append({ kind: 'step', trajectoryId: 't1', step: step(1) });
    w.append({ kind: 'step', trajectoryId: 't1', step: step(2) });
    w.append({
      kind: 'trajectory-start',
      trajectoryId: 't2',
      request: 'Insert a table',
      startedAt: '2026-01-02T03:05:00Z',
    });
    w.append({
      kind: 'trajectory-end',
      trajectoryId: 't1',
      status: 'finished',
      finishedAt: '2026-01-02T03:04:09Z',
    });
    w.close();
    const { records } = await readJsonlAll(file, { schema: TrajectoryLogRecord });
    const [t1, t2] = collectTrajectories(records);
    expect(t1).toMatchObject({ id: 't1', status: 'finished', request: 'Make the title bold' });
    expect(t1?.steps.map((s) => s.index)).toEqual([1, 2]);
    expect(t2).toMatchObject({ id: 't2', status: 'running', steps: [] });
  });
});

describe('batches()', () => {
  it('gives the same records and lines as entries(), one array per chunk', async () => {
    const file = tmp();
    appendJsonl(
      file,
      Array.from({ length: 500 }, (_, i) => step(i + 1)),
      { schema: StepSchema, fsync: false },
    );
    const entries: { line: number; value: Step }[] = [];
    for await (const e of readJsonl(file, { schema: StepSchema }).entries()) entries.push(e);
    const batches: { line: number; value: Step }[][] = [];
    for await (const b of readJsonl(file, { schema: StepSchema, chunkSize: 4096 }).batches()) batches.push(b);
    expect(batches.length).toBeGreaterThan(10);
    expect(batches.flat()).toEqual(entries);
    expect(entries.map((e) => e.line)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
  });

  it('closes the file when the reader is left early or fails, and leaves no read in flight', async () => {
    const file = tmp();
    appendJsonl(
      file,
      Array.from({ length: 300 }, (_, i) => step(i + 1)),
      { schema: StepSchema, fsync: false },
    );
    const openFiles = () => (existsSync('/proc/self/fd') ? readdirSync('/proc/self/fd').length : 0);
    const before = openFiles();
    for await (const b of readJsonl(file, { schema: StepSchema, chunkSize: 512 }).batches()) {
      expect(b.length).toBeGreaterThan(0);
      break;
    }
    expect(openFiles()).toBe(before);
    await expect(readJsonlAll(join(dir, 'missing.jsonl'))).rejects.toThrow(/ENOENT/);
    expect(openFiles()).toBe(before);
  });

  it('hands over the records before a bad line, then throws', async () => {
    const file = tmp();
    writeFileSync(
      file,
      `${JSON.stringify(step(1))}\n${JSON.stringify(step(2))}\n{oops\n${JSON.stringify(step(4))}\n`,
    );
    const seen: number[] = [];
    const e = await errorOf(
      (async () => {
        for await (const b of readJsonl(file, { schema: StepSchema }).batches())
          seen.push(...b.map((x) => x.line));
      })(),
    );
    expect(seen).toEqual([1, 2]);
    expect(LAM_JsonlParseError.isInstance(e)).toBe(true);
    expect(e).toMatchObject({ line: 3 });
  });
});

describe('bad lines', () => {
  const lines = [
    JSON.stringify(step(1)),
    '{"index": 2, "decision": ', // not JSON
    '',
    JSON.stringify({ ...step(3), decision: { ...decision, plan: 'x' } }), // fails the schema
    JSON.stringify(step(4)),
  ];

  it('throw LAM_JsonlParseError naming the file and line', async () => {
    const file = tmp();
    writeFileSync(file, `${lines.join('\n')}\n`);
    const e = await errorOf(readJsonlAll(file, { schema: StepSchema }));
    expect(LAM_JsonlParseError.isInstance(e)).toBe(true);
    expect(e).toMatchObject({ file, line: 2 });
    expect((e as Error).message).toContain(`Line 2 of ${file} is not valid JSON`);
    expect((e as Error).message).toContain('skipInvalid');
  });

  it('throw LAM_ValidationError naming the record, line and field path', async () => {
    const file = tmp();
    writeFileSync(file, `${[lines[0], lines[3]].join('\n')}\n`);
    const e = await errorOf(readJsonlAll(file, { schema: StepSchema, record: 'Step' }));
    expect(LAM_ValidationError.isInstance(e)).toBe(true);
    expect(e).toMatchObject({ file, line: 2, record: 'Step' });
    expect((e as LAM_ValidationError).issues[0]?.path).toEqual(['decision', 'plan']);
    expect((e as Error).message).toContain(`Invalid Step at ${file}:2`);
  });

  it('are skipped with skipInvalid and listed in the report', async () => {
    const file = tmp();
    writeFileSync(file, `${lines.join('\n')}\n`);
    const seen: number[] = [];
    const { records, report } = await readJsonlAll(file, {
      schema: StepSchema,
      skipInvalid: true,
      onSkip: (s) => seen.push(s.line),
    });
    expect(records.map((r) => r.index)).toEqual([1, 4]);
    expect(report.skipped.map((s) => [s.line, s.kind])).toEqual([
      [2, 'parse'],
      [4, 'validation'],
    ]);
    expect(seen).toEqual([2, 4]);
    expect(report).toMatchObject({ lines: 5, records: 2, blankLines: 1 });
  });

  it('never crash the reader, whatever the bytes: every line is a record, a blank or a skip', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), async (bytes) => {
        const file = tmp('garbage');
        writeFileSync(file, bytes);
        try {
          await readJsonlAll(file, { schema: StepSchema });
        } catch (e) {
          expect(LamError.isInstance(e)).toBe(true);
        }
        const { report } = await readJsonlAll(file, { schema: StepSchema, skipInvalid: true });
        expect(report.records + report.blankLines + report.skipped.length).toBe(report.lines);
      }),
      { numRuns: 80 },
    );
  });
});

describe('a torn last line', () => {
  function tornFile(): { file: string; intact: number; tornBytes: number } {
    const file = tmp('torn');
    appendJsonl(file, [step(1), step(2)], { schema: StepSchema });
    const partial = JSON.stringify(step(3)).slice(0, 40);
    appendFileSync(file, partial); // what a crash mid-write leaves
    return { file, intact: 2, tornBytes: Buffer.byteLength(partial) };
  }

  it('is detected on read and never merged into a record', async () => {
    const { file, tornBytes } = tornFile();
    const e = await errorOf(readJsonlAll(file, { schema: StepSchema }));
    expect(LAM_JsonlTornLineError.isInstance(e)).toBe(true);
    expect(e).toMatchObject({ line: 3, byteLength: tornBytes, byteOffset: statSync(file).size - tornBytes });
    expect((e as Error).message).toContain('truncateTornLine');
    const { records, report } = await readJsonlAll(file, { schema: StepSchema, skipInvalid: true });
    expect(records.map((r) => r.index)).toEqual([1, 2]);
    expect(report.tornLastLine).toEqual({
      line: 3,
      byteOffset: statSync(file).size - tornBytes,
      byteLength: tornBytes,
    });
    expect(report.skipped.map((s) => s.kind)).toEqual(['torn']);
  });

  it('is located to the byte whatever the chunk size, multi-byte characters included', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.string({ unit: 'binary', maxLength: 6 }), { minLength: 1, maxLength: 6 }),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }),
        fc.integer({ min: 1, max: 48 }),
        async (texts, tail, chunkSize) => {
          const file = tmp('torn-prop');
          const body = texts.map((t) => `${JSON.stringify({ t })}\n`).join('');
          const torn = `{"t":${JSON.stringify(tail).slice(0, -1)}`; // an unterminated string: never JSON
          writeFileSync(file, body + torn);
          const { records, report } = await readJsonlAll(file, { chunkSize, skipInvalid: true });
          expect(records).toEqual(texts.map((t) => ({ t })));
          expect(report.tornLastLine).toEqual({
            line: texts.length + 1,
            byteOffset: Buffer.byteLength(body),
            byteLength: Buffer.byteLength(torn),
          });
        },
      ),
      { numRuns: 60 },
    );
  });

  it('stops a writer from appending after it, until repaired', async () => {
    const { file, tornBytes } = tornFile();
    expect(() => openJsonlWriter(file)).toThrowError(/last line \(3\).*incomplete/s);
    const repaired = truncateTornLine(file);
    expect(repaired).toEqual({ truncated: true, byteLength: tornBytes, savedTo: `${file}.torn` });
    expect(readFileSync(`${file}.torn`, 'utf8')).toBe(`${JSON.stringify(step(3)).slice(0, 40)}\n`);
    appendJsonl(file, step(3), { schema: StepSchema });
    const { records, report } = await readJsonlAll(file, { schema: StepSchema });
    expect(records.map((r) => r.index)).toEqual([1, 2, 3]);
    expect(report.tornLastLine).toBeNull();
    expect(truncateTornLine(file).truncated).toBe(false);
  });

  it('can be kept on its own line with tornTail: "newline"', async () => {
    const { file } = tornFile();
    appendJsonl(file, step(3), { schema: StepSchema, tornTail: 'newline' });
    const { records, report } = await readJsonlAll(file, { schema: StepSchema, skipInvalid: true });
    expect(records.map((r) => r.index)).toEqual([1, 2, 3]);
    expect(report.skipped.map((s) => [s.line, s.kind])).toEqual([[3, 'parse']]);
  });

  it('is not confused with a complete last record that lacks a newline', async () => {
    const file = tmp();
    writeFileSync(file, `${JSON.stringify(step(1))}\n${JSON.stringify(step(2))}`);
    const reader = readJsonl(file, { schema: StepSchema });
    const read = [];
    for await (const r of reader) read.push(r.index);
    expect(read).toEqual([1, 2]);
    expect(reader.report.missingFinalNewline).toBe(true);
    appendJsonl(file, step(3), { schema: StepSchema });
    expect((await readJsonlAll(file, { schema: StepSchema })).records.map((r) => r.index)).toEqual([1, 2, 3]);
  });
});

describe('a writer killed mid-run', () => {
  it('leaves only whole records (or a detected torn tail), never merged lines', async () => {
    const dist = join(import.meta.dirname, '..', 'dist', 'index.js');
    expect(existsSync(dist), 'build the package first (pnpm turbo run build --filter=@lam/schema)').toBe(
      true,
    );
    const file = tmp('killed');
    const script = `
      import { openJsonlWriter, Step } from ${JSON.stringify(dist)};
      const w = openJsonlWriter(${JSON.stringify(file)}, { schema: Step, fsync: false });
      const big = 'x'.repeat(20000);
      for (let i = 1; ; i++) {
        w.append({ index: i, decision: ${JSON.stringify(decision)}, rawOutput: big });
        if (i === 50) process.stdout.write('ready\\n');
      }`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const { records, report } = await readJsonlAll(file, { schema: StepSchema, skipInvalid: true });
    expect(records.length).toBeGreaterThanOrEqual(50);
    expect(records.map((r) => r.index)).toEqual(records.map((_, i) => i + 1));
    // Anything skipped can only be the torn tail of the record being written when killed.
    expect(report.skipped.every((s) => s.kind === 'torn')).toBe(true);
  });
});
