import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  appendJsonl,
  LAM_JsonlParseError,
  LAM_JsonlTornLineError,
  LAM_ValidationError,
  TrajectoryLogRecord,
} from '@lam/schema';
import { describe, expect, it } from 'vitest';
import { LAM_EvalInputError } from '../errors';
import { DecisionMetricsAccumulator, decisionMetrics } from './decision-metrics';
import { onlineMetrics, onlineRunFromRecord, trajectoryTotals } from './online-metrics';
import { decisionMetricsFromJsonl, summarizeTrajectoryLog } from './stream';

const dir = mkdtempSync(join(tmpdir(), 'lam-eval-stream-'));
const decision = (status: 'CONTINUE' | 'FINISH', name = 'Bold') => ({
  thought: '',
  controlLabel: '1',
  controlName: name,
  function: 'click_input',
  args: {},
  status,
  plan: [],
});

function writeLog(file: string) {
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  const at = (s: number) => new Date(t0 + s * 1000).toISOString();
  const records: unknown[] = [
    { kind: 'trajectory-start', trajectoryId: 'a', taskId: 'task-a', request: 'r', startedAt: at(0) },
    { kind: 'trajectory-start', trajectoryId: 'b', taskId: 'task-b', request: 'r', startedAt: at(1) },
    {
      kind: 'step',
      trajectoryId: 'a',
      step: {
        index: 1,
        decision: decision('CONTINUE'),
        timings: { modelMs: 800, envMs: 200 },
        usage: { inputTokens: 1000, outputTokens: 50 },
      },
    },
    {
      kind: 'step',
      trajectoryId: 'b',
      step: { index: 1, decision: decision('CONTINUE'), timings: { modelMs: 400, envMs: 100 } },
    },
    {
      kind: 'step',
      trajectoryId: 'a',
      step: {
        index: 2,
        decision: decision('FINISH'),
        timings: { modelMs: 600, envMs: 400 },
        usage: { inputTokens: 1200, outputTokens: 70 },
      },
    },
    { kind: 'trajectory-end', trajectoryId: 'a', status: 'finished', finishedAt: at(10) },
    { kind: 'trajectory-end', trajectoryId: 'b', status: 'failed', finishedAt: at(5) },
    { kind: 'trajectory-start', trajectoryId: 'c', taskId: 'task-c', request: 'r', startedAt: at(6) },
  ];
  appendJsonl(file, records as TrajectoryLogRecord[], { schema: TrajectoryLogRecord, fsync: false });
}

describe('online metrics with time split and tokens', () => {
  it('averages model and environment time and tokens over the runs that recorded them', () => {
    const m = onlineMetrics([
      {
        taskId: 'a',
        success: true,
        completionSeconds: 10,
        steps: 2,
        modelSeconds: 1.4,
        environmentSeconds: 0.6,
        inputTokens: 2200,
        outputTokens: 120,
      },
      { taskId: 'b', success: false, completionSeconds: 4, steps: 1 },
    ]);
    expect(m).toMatchObject({
      averageModelSeconds: 1.4,
      averageEnvironmentSeconds: 0.6,
      averageInputTokens: 2200,
      tasks: 2,
    });
    expect(m.modelTimeShare).toBeCloseTo(0.7, 12);
    expect(m.averageStepLatencySeconds).toBeCloseTo(14 / 3, 12);
  });

  it('builds runs from evaluation records and their trajectories', () => {
    const steps = [
      { timings: { modelMs: 500, envMs: 100 }, usage: { inputTokens: 10, outputTokens: 2 } },
      { timings: { modelMs: 300 } },
    ] as Parameters<typeof trajectoryTotals>[0]['steps'];
    expect(trajectoryTotals({ steps })).toEqual({
      modelSeconds: 0.8,
      environmentSeconds: 0.1,
      inputTokens: 10,
      outputTokens: 2,
    });
    expect(
      onlineRunFromRecord({ taskId: 't', success: true, completionMs: 2500, steps: 2 }, { steps }),
    ).toMatchObject({
      completionSeconds: 2.5,
      modelSeconds: 0.8,
    });
  });
});

describe('summarizeTrajectoryLog', () => {
  it('streams a trajectory log into online metrics', async () => {
    const file = join(dir, 'log.jsonl');
    writeLog(file);
    for (const validate of [true, false]) {
      const s = await summarizeTrajectoryLog(file, { validate });
      expect(s).toMatchObject({
        trajectories: 3,
        unfinished: 1,
        steps: 3,
        statuses: { finished: 1, failed: 1 },
      });
      expect(s.online).toMatchObject({
        taskSuccessRate: 0.5,
        averageCompletionSeconds: 7,
        averageSteps: 1.5,
        tasks: 2,
      });
      expect(s.online.averageModelSeconds).toBeCloseTo((1.4 + 0.4) / 2, 12);
      expect(s.online.averageInputTokens).toBe(2200);
    }
    const judged = await summarizeTrajectoryLog(file, { success: (end) => end.taskId === 'task-b' });
    expect(judged.online.taskSuccessRate).toBe(0.5);
  });

  it('names the line of a record that is not a log record', async () => {
    const file = join(dir, 'bad.jsonl');
    writeFileSync(
      file,
      '{"kind":"trajectory-start","trajectoryId":"a","request":"r","startedAt":"2026-01-01T00:00:00Z"}\n{"kind":"note","trajectoryId":"a"}\n',
    );
    await expect(summarizeTrajectoryLog(file)).rejects.toSatisfy(
      (e) => LAM_ValidationError.isInstance(e) && e.line === 2,
    );
    const error = await summarizeTrajectoryLog(file, { validate: false }).catch((e: unknown) => e);
    expect(LAM_EvalInputError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('bad.jsonl:2');
  });
});

describe('a trajectory log parsed in worker threads', () => {
  /** A log of `tasks` trajectories of 1-7 steps, two open at a time, some steps without timings. */
  function bigLog(file: string, tasks: number) {
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    const lines: string[] = [];
    for (let k = 0; k < tasks; k++) {
      const id = `t${k}#1`;
      lines.push(
        JSON.stringify({
          kind: 'trajectory-start',
          trajectoryId: id,
          ...(k % 5 === 0 ? {} : { taskId: `task-${k}` }),
          request: 'Make the title bold — «ünïcode» ✓',
          startedAt: new Date(t0 + k * 1000).toISOString(),
        }),
      );
      if (k % 9 === 0) lines.push('', '   ');
      for (let i = 0; i < 1 + (k % 7); i++)
        lines.push(
          JSON.stringify({
            kind: 'step',
            trajectoryId: id,
            step: {
              index: i + 1,
              decision: decision(i === k % 7 ? 'FINISH' : 'CONTINUE'),
              ...(i % 3 === 0 ? {} : { timings: { modelMs: 100 + i, envMs: 10 * i } }),
              ...(i % 2 === 0 ? { usage: { inputTokens: 1000 + k, outputTokens: 20 } } : {}),
            },
          }),
        );
      if (k % 11 !== 10)
        lines.push(
          JSON.stringify({
            kind: 'trajectory-end',
            trajectoryId: id,
            status: k % 4 === 0 ? 'failed' : 'finished',
            finishedAt: new Date(t0 + k * 1000 + 500 + k).toISOString(),
          }),
        );
    }
    writeFileSync(file, `${lines.join('\r\n')}\n`);
    return lines.length;
  }

  it('gives the same summary as one thread, over many blocks', async () => {
    const file = join(dir, 'big.jsonl');
    bigLog(file, 12_000); // about 4.6 MB: five blocks
    const one = await summarizeTrajectoryLog(file, { validate: false, workers: 0 });
    const validated = await summarizeTrajectoryLog(file);
    for (const workers of [1, 3]) {
      const many = await summarizeTrajectoryLog(file, { validate: false, workers });
      expect(many).toEqual(one);
    }
    expect(validated).toEqual(one);
    expect(one).toMatchObject({ trajectories: 12_000, unfinished: 1090 });
    expect(one.steps).toBe(Array.from({ length: 12_000 }, (_, k) => 1 + (k % 7)).reduce((a, b) => a + b));
  });

  it('names the line of a bad record in a later block, and a torn last line', async () => {
    const file = join(dir, 'big-bad.jsonl');
    const lines = bigLog(file, 6_000);
    appendFileSync(file, '{"kind":"note","trajectoryId":"x"}\n');
    const shape = await summarizeTrajectoryLog(file, { validate: false, workers: 2 }).catch(
      (e: unknown) => e,
    );
    expect(LAM_EvalInputError.isInstance(shape)).toBe(true);
    expect((shape as Error).message).toContain(`big-bad.jsonl:${lines + 1}`);

    const broken = join(dir, 'big-broken.jsonl');
    bigLog(broken, 6_000);
    appendFileSync(broken, '{"kind":"step", oops}\n{"kind":"step"}\n');
    const parse = await summarizeTrajectoryLog(broken, { validate: false, workers: 2 }).catch(
      (e: unknown) => e,
    );
    expect(LAM_JsonlParseError.isInstance(parse) && parse.line === lines + 1).toBe(true);

    const torn = join(dir, 'big-torn.jsonl');
    bigLog(torn, 6_000);
    const size = Buffer.byteLength(readFileSync(torn, 'utf8'));
    appendFileSync(torn, '{"kind":"trajectory-end","trajectoryId":"t1#1","sta');
    for (const workers of [0, 2]) {
      const error = await summarizeTrajectoryLog(torn, { validate: false, workers }).catch((e: unknown) => e);
      expect(LAM_JsonlTornLineError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ line: lines + 1, byteOffset: size, byteLength: 51 });
    }
  });
});

describe('decision metrics from a JSONL file of scored steps', () => {
  it('gives the same figures as the in-memory function', async () => {
    const file = join(dir, 'scored.jsonl');
    const italic = { ...decision('CONTINUE', 'Italic'), controlLabel: '2' };
    const rows = [
      { taskId: 't1', expected: decision('CONTINUE'), predicted: decision('CONTINUE') },
      { taskId: 't1', expected: decision('FINISH'), predicted: decision('FINISH') },
      { taskId: 't2', expected: decision('CONTINUE'), predicted: italic },
      { taskId: 't2', expected: decision('FINISH'), predicted: null },
      { taskId: 't3', expected: decision('CONTINUE'), predicted: italic, acceptableControls: ['Italic'] },
    ];
    for (const r of rows) appendFileSync(file, `${JSON.stringify(r)}\n`);
    const streamed = await decisionMetricsFromJsonl(file, { keepPerTask: true });
    expect(streamed).toMatchObject({
      steps: 5,
      tasks: 3,
      objectAccuracy: 3 / 5,
      statusAccuracy: 4 / 5,
      taskSuccessRate: 2 / 3,
    });
    expect(streamed.perTask.map((t) => t.success)).toEqual([true, false, true]);
    const acc = new DecisionMetricsAccumulator();
    for (const r of rows)
      acc.add(r.taskId, {
        ...r,
        ...(r.acceptableControls ? { acceptableObjects: r.acceptableControls } : {}),
      });
    expect(acc.result()).toEqual(streamed);
    const inMemory = decisionMetrics([
      {
        taskId: 't1',
        steps: rows.slice(0, 2).map((r) => ({ expected: r.expected, predicted: r.predicted! })),
      },
    ]);
    expect(inMemory.taskSuccessRate).toBe(1);
    writeFileSync(join(dir, 'notscored.jsonl'), '{"taskId":"x"}\n');
    await expect(decisionMetricsFromJsonl(join(dir, 'notscored.jsonl'))).rejects.toThrow(
      /taskId, expected and predicted/,
    );
  });
});
