import { join } from 'node:path';
import { readTextDocument } from '@lam/grounding/desktop';
import { collectTrajectories, type TrajectoryLogRecord } from '@lam/schema';
import { beforeAll, describe, expect, it } from 'vitest';
import type { StateReader } from '../checkers/state';
import { evalMatchers, installEvalMatchers } from './index';

const state: StateReader = {
  textDocument: () =>
    readTextDocument(join(import.meta.dirname, '..', 'checkers', '__fixtures__', 'quarterly.fodt')),
};
const decision = (controlName: string, fn: string, status: 'CONTINUE' | 'FINISH') => ({
  thought: '',
  controlLabel: controlName === 'Bold' ? '12' : '3',
  controlName,
  function: fn,
  args: {},
  status,
  plan: [],
});
const records: TrajectoryLogRecord[] = [
  {
    kind: 'trajectory-start',
    trajectoryId: 't1',
    taskId: 'bold-growth',
    request: 'Bold the growth figure',
    startedAt: '2026-01-01T00:00:00Z',
  },
  {
    kind: 'step',
    trajectoryId: 't1',
    step: { index: 1, decision: decision('Document', 'select_text', 'CONTINUE'), timings: {} },
  },
  {
    kind: 'step',
    trajectoryId: 't1',
    step: { index: 2, decision: decision('Bold', 'click_input', 'FINISH'), timings: {} },
  },
  { kind: 'trajectory-end', trajectoryId: 't1', status: 'finished', finishedAt: '2026-01-01T00:00:09Z' },
];
const trajectory = collectTrajectories(records)[0]!;
const task = {
  id: 'bold-growth',
  checker: { kind: 'document-format' as const, text: 'twelve percent', bold: true },
};

beforeAll(() => {
  installEvalMatchers(expect);
});

describe('vitest matchers', () => {
  it('toSucceedOn: finished, the same task, and the checker passes on the final state', async () => {
    await expect(trajectory).toSucceedOn(task, { state });
    await expect(trajectory).not.toSucceedOn(
      { ...task, checker: { kind: 'document-format', text: 'flat', bold: true } },
      { state },
    );
    await expect(trajectory).not.toSucceedOn({ id: 'other-task' });
    await expect({ ...trajectory, status: 'max-steps' }).not.toSucceedOn({ id: 'bold-growth' });
  });

  it('toSucceedOn explains why it fails', async () => {
    const r = await evalMatchers.toSucceedOn({ ...trajectory, status: 'failed', reason: 'loop' }, task);
    expect(r.pass).toBe(false);
    expect(r.message()).toBe(
      'expected the trajectory to succeed on task bold-growth, but it ended with status failed (loop); the task has a checker but no state reader was given: pass { state }',
    );
    expect((await evalMatchers.toSucceedOn(42, task)).message()).toContain('expects a trajectory');
  });

  it('toPassCheck runs a checker or a spec on a state reader', async () => {
    await expect(state).toPassCheck({ kind: 'document-page', orientation: 'landscape' });
    await expect(state).not.toPassCheck({ kind: 'document-text', text: 'losses' });
    const r = await evalMatchers.toPassCheck(state, { kind: 'document-text', text: 'losses' });
    expect(r.message()).toContain('document-text(contains "losses"): fail');
  });

  it('toMatchReference compares decisions step by step', () => {
    expect(trajectory).toMatchReference([
      decision('Document', 'select_text', 'CONTINUE'),
      decision('Bold', 'click_input', 'FINISH'),
    ]);
    expect(trajectory).toMatchReference(trajectory);
    const italic = [
      decision('Document', 'select_text', 'CONTINUE'),
      decision('Italic', 'click_input', 'FINISH'),
    ];
    expect(trajectory).not.toMatchReference(italic);
    expect(trajectory).toMatchReference(italic, { minStepSuccessRate: 0.5 });
    const r = evalMatchers.toMatchReference(trajectory, italic.slice(0, 1));
    expect(r.pass).toBe(false);
    expect(r.message()).toContain('1 step(s) more than the reference');
    const wrong = evalMatchers.toMatchReference(trajectory, italic);
    expect(wrong.message()).toContain(
      'step 2: object differ (got click_input on "Bold" FINISH, expected click_input on "Italic" FINISH)',
    );
  });
});
