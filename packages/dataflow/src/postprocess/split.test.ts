import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTestTask, splitByTask } from './split';

describe('splitByTask', () => {
  it('puts every record of a task on the same side', () => {
    const records = Array.from({ length: 2000 }, (_, i) => ({ taskId: `t${i % 400}`, step: i }));
    const { train, test } = splitByTask(records, (r) => r.taskId);
    const trainTasks = new Set(train.map((r) => r.taskId));
    expect(test.every((r) => !trainTasks.has(r.taskId))).toBe(true);
    expect(train.length + test.length).toBe(2000);
  });

  it('draws close to the asked fraction of tasks', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `task-${i}`);
    const share = ids.filter((id) => isTestTask(id, { testFraction: 0.2 })).length / ids.length;
    expect(share).toBeGreaterThan(0.18);
    expect(share).toBeLessThan(0.22);
  });

  it('never moves a task when the fraction and seed stay the same', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (taskId, seed) => {
        expect(isTestTask(taskId, { seed })).toBe(isTestTask(taskId, { seed }));
      }),
    );
  });

  it('only grows the test split when the fraction grows', () => {
    fc.assert(
      fc.property(fc.string(), fc.double({ min: 0, max: 1, noNaN: true }), (taskId, f) => {
        if (isTestTask(taskId, { testFraction: f }))
          expect(isTestTask(taskId, { testFraction: 1 })).toBe(true);
      }),
    );
  });

  it('refuses a fraction outside [0, 1]', () => {
    expect(() => isTestTask('a', { testFraction: 1.5 })).toThrow(/between 0 and 1/);
  });
});
