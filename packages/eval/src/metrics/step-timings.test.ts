import { describe, expect, it } from 'vitest';
import { buildReport } from '../report/build';
import { toMarkdown } from '../report/markdown';
import { quantile, stepTimingSummary } from './step-timings';

const step = (index: number, timings: Record<string, number>) =>
  ({
    index,
    startedAt: '2026-01-01T00:00:00.000Z',
    decision: { thought: '', controlLabel: '', controlName: '', function: '', args: {}, status: 'CONTINUE' },
    timings,
  }) as never;

describe('step timings', () => {
  it('takes the nearest-rank median and p95', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(values, 0.5)).toBe(50);
    expect(quantile(values, 0.95)).toBe(95);
    expect(quantile([7], 0.95)).toBe(7);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it("summarises each part of the steps' time, leaving out parts no step recorded", () => {
    const trajectories = [
      {
        steps: [
          step(1, { observeMs: 100, decodeMs: 40, totalMs: 300 }),
          step(2, { observeMs: 120, totalMs: 500 }),
        ],
      },
      { steps: [step(1, { observeMs: 300, decodeMs: 60, totalMs: 900 })] },
    ];
    const summary = stepTimingSummary(trajectories);
    expect(summary.observeMs).toEqual({ medianMs: 120, p95Ms: 300, steps: 3 });
    expect(summary.decodeMs).toEqual({ medianMs: 40, p95Ms: 60, steps: 2 });
    expect(summary.totalMs).toEqual({ medianMs: 500, p95Ms: 900, steps: 3 });
    expect(summary.prefillMs).toBeUndefined();
    const report = buildReport({
      createdAt: '2026-01-01T00:00:00.000Z',
      systems: [
        {
          name: 'lam-small',
          results: [
            {
              taskId: 't1',
              request: 'r',
              success: true,
              verdict: 'pass',
              status: 'finished',
              completionMs: 800,
              steps: 2,
              trajectoryId: 'a',
            } as never,
          ],
          trajectories: trajectories.map((t, i) => ({ id: ['a', 'b'][i], request: 'r', ...t }) as never),
        },
      ],
    });
    const md = toMarkdown(report);
    expect(md).toContain('Step time, median / p95 ms');
    expect(md).toContain('| Observe | 120 / 300 |');
    expect(md).toContain('| Prefill | - |');
    expect(md).toContain('| Whole step | 500 / 900 |');
  });
});
