import { describe, expect, it } from 'vitest';
import { mind2webMetrics, operationF1, scoreMind2WebStep } from './mind2web';

describe('Mind2Web metrics', () => {
  it('scores operation F1 over the op and value tokens', () => {
    expect(operationF1({ op: 'CLICK' }, { op: 'click' })).toBe(1);
    expect(
      operationF1({ op: 'TYPE', value: 'new york' }, { op: 'TYPE', value: 'New York City' }),
    ).toBeCloseTo((2 * 1 * 0.75) / 1.75, 12);
    expect(operationF1({ op: 'SELECT', value: 'x' }, { op: 'TYPE', value: 'y' })).toBe(0);
    expect(operationF1(null, { op: 'CLICK' })).toBe(0);
  });

  it('needs the right element and an exact operation for a successful step', () => {
    const step = {
      predictedElement: 'n12',
      acceptableElements: ['n12', 'n13'],
      predictedOperation: { op: 'TYPE', value: 'Paris' },
      expectedOperation: { op: 'TYPE', value: 'paris' },
    };
    expect(scoreMind2WebStep(step)).toEqual({ element: true, operationF1: 1, success: true });
    expect(scoreMind2WebStep(step, { ignoreCase: false }).success).toBe(false);
    expect(scoreMind2WebStep({ ...step, predictedElement: null }).element).toBe(false);
  });

  it('macro-averages per task by default, and micro over steps on request', () => {
    const ok = {
      predictedElement: 'a',
      acceptableElements: ['a'],
      predictedOperation: { op: 'CLICK' },
      expectedOperation: { op: 'CLICK' },
    };
    const bad = { ...ok, predictedElement: 'b' };
    const tasks = [
      { taskId: 't1', steps: [ok, ok, ok, bad] },
      { taskId: 't2', steps: [ok, ok] },
    ];
    const macro = mind2webMetrics(tasks);
    expect(macro).toMatchObject({
      elementAccuracy: (0.75 + 1) / 2,
      stepSuccessRate: (0.75 + 1) / 2,
      taskSuccessRate: 0.5,
    });
    expect(macro.operationF1).toBe(1);
    const micro = mind2webMetrics(tasks, { averaging: 'micro' });
    expect(micro.elementAccuracy).toBe(5 / 6);
    expect(mind2webMetrics([])).toMatchObject({ elementAccuracy: 0, tasks: 0 });
  });
});
