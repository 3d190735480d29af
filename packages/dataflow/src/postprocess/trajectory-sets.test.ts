import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendJsonl, type DataflowRecord, type TrajectoryLogRecord } from '@lam/schema';
import { afterAll, describe, expect, it } from 'vitest';
import { isTestTask } from './split';
import { buildTrajectorySets } from './trajectory-sets';

const dir = mkdtempSync(join(tmpdir(), 'lam-sets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('buildTrajectorySets input errors', () => {
  it('says to run the evaluation when its records are missing', async () => {
    await expect(
      buildTrajectorySets({ evaluated: [join(dir, 'evaluation.jsonl')], trajectories: [], outDir: dir }),
    ).rejects.toThrow(/evaluation.jsonl does not exist. Run the evaluation first/);
  });

  it('names a trajectory file that does not exist, and what it should hold', async () => {
    await expect(
      buildTrajectorySets({
        evaluated: [],
        trajectories: [],
        extraTrajectories: [join(dir, 'lam2.jsonl')],
        outDir: dir,
      }),
    ).rejects.toThrow(/lam2.jsonl does not exist. Pass the trajectory log/);
  });

  it('names the line of a trajectory file that is not JSON', async () => {
    const file = join(dir, 'broken.jsonl');
    writeFileSync(file, '{"kind": "trajectory-start"\n');
    await expect(
      buildTrajectorySets({ evaluated: [], trajectories: [], extraTrajectories: [file], outDir: dir }),
    ).rejects.toThrow(/Line 1 of .*broken.jsonl is not JSON/);
  });

  it('refuses entries that are neither log records nor trajectories', async () => {
    const file = join(dir, 'other.json');
    writeFileSync(file, JSON.stringify([{ task: 'x' }]));
    await expect(
      buildTrajectorySets({ evaluated: [], trajectories: [], extraTrajectories: [file], outDir: dir }),
    ).rejects.toThrow(/Entry 1 of .*other.json is neither a trajectory log record nor a Trajectory/);
  });

  it('writes empty sets when there is nothing yet', async () => {
    const counts = await buildTrajectorySets({ evaluated: [], trajectories: [], outDir: dir });
    expect(counts.phase2).toEqual({ train: 0, test: 0 });
    expect(counts.files).toHaveLength(12);
  });
});

describe('buildTrajectorySets split', () => {
  /** The first id of the form `<prefix><n>` on the wanted side of the default split. */
  const idOn = (test: boolean, prefix: string) => {
    for (let n = 0; ; n++) if (isTestTask(`${prefix}${n}`) === test) return `${prefix}${n}`;
  };
  const record = (uniqueId: string, extra: Record<string, string>): DataflowRecord => ({
    uniqueId,
    app: 'writer',
    original: { task: uniqueId, steps: ['1. Click **Bold**.'] },
    execution: {
      result: { reason: 'PASS', subScores: {}, complete: 'yes' },
      error: null,
      extra: { trajectoryId: `${uniqueId}#1` },
    },
    instantiation: {},
    timeCost: { chooseTemplate: 0, prefill: 0, instantiationEvaluation: 0, total: 0 },
    extra,
  });
  const log = (uniqueId: string): TrajectoryLogRecord[] => [
    {
      kind: 'trajectory-start',
      trajectoryId: `${uniqueId}#1`,
      taskId: uniqueId,
      request: `Make the title bold (${uniqueId}).`,
      startedAt: '2026-11-21T00:00:00.000Z',
    },
    {
      kind: 'step',
      trajectoryId: `${uniqueId}#1`,
      step: {
        index: 1,
        observation: {
          application: 'soffice-writer',
          controls: [{ label: '1', name: 'Bold', type: 'Button' }],
          controlCount: 1,
        },
        decision: {
          thought: 'Click Bold',
          controlLabel: '1',
          controlName: 'Bold',
          function: 'click_input',
          args: { button: 'left', double: false },
          status: 'FINISH',
          plan: [],
        },
        result: { ok: true, durationMs: 1 },
        timings: {},
      },
    },
    {
      kind: 'trajectory-end',
      trajectoryId: `${uniqueId}#1`,
      status: 'finished',
      finishedAt: '2026-11-21T00:00:01.000Z',
    },
  ];

  it('puts a composed task on the test side when its second task is a test task', async () => {
    const trainTask = idOn(false, 'writer_train_');
    const testTask = idOn(true, 'writer_test_');
    const out = join(dir, 'split');
    const evaluated = join(out, 'evaluation.jsonl');
    const trajectories = join(out, 'trajectories.jsonl');
    // "A, then B" with A a training task and B a test task: it holds B's plan, so it is a test task.
    const composed = idOn(false, 'writer_composed_');
    // "A, then C" with both on the training side stays in training.
    const other = idOn(false, 'writer_other_');
    appendJsonl(evaluated, [
      record(composed, { evolvedFrom: trainTask, composedWith: testTask }),
      record(other, { evolvedFrom: trainTask, composedWith: idOn(false, 'writer_second_') }),
    ]);
    appendJsonl(trajectories, [...log(composed), ...log(other)]);
    const counts = await buildTrajectorySets({
      evaluated: [evaluated],
      trajectories: [trajectories],
      outDir: out,
    });
    expect(counts.phase2).toEqual({ train: 1, test: 1 });
    const ids = (f: string) =>
      readFileSync(join(out, f), 'utf8')
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { id: string }).id);
    expect(ids('phase2/test.jsonl')).toEqual([`${composed}#1#1`]);
    expect(ids('phase2/train.jsonl')).toEqual([`${other}#1#1`]);
    expect(ids('phase4/reward-test.jsonl')).toEqual([`${composed}#1#1`]);
  });
});
