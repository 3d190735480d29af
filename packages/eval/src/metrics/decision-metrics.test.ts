import type { Decision } from '@lam/schema';
import { describe, expect, it } from 'vitest';
import { decisionMetrics, scoreStep } from './decision-metrics';

type D = Pick<Decision, 'controlLabel' | 'controlName' | 'function' | 'args' | 'status'>;
const bold: D = {
  controlLabel: '12',
  controlName: 'Bold',
  function: 'click_input',
  args: {},
  status: 'CONTINUE',
};

describe('scoreStep', () => {
  it('needs object, operation and status for a successful step', () => {
    expect(scoreStep({ expected: bold, predicted: bold })).toEqual({
      object: true,
      operation: true,
      status: true,
      success: true,
    });
    expect(scoreStep({ expected: bold, predicted: { ...bold, status: 'FINISH' } }).success).toBe(false);
    expect(scoreStep({ expected: bold, predicted: { ...bold, function: 'set_edit_text' } }).operation).toBe(
      false,
    );
  });

  it('matches the object by label or by name, as configured', () => {
    const otherLabel = { ...bold, controlLabel: '40' };
    expect(scoreStep({ expected: bold, predicted: otherLabel }).object).toBe(true);
    expect(scoreStep({ expected: bold, predicted: otherLabel }, { objectMatch: 'label' }).object).toBe(false);
    const otherName = { ...bold, controlName: ' bold ' };
    expect(scoreStep({ expected: bold, predicted: otherName }, { objectMatch: 'name' }).object).toBe(true);
    const italic = { ...bold, controlLabel: '13', controlName: 'Italic' };
    expect(scoreStep({ expected: bold, predicted: italic }).object).toBe(false);
    expect(scoreStep({ expected: bold, predicted: italic, acceptableObjects: ['Italic'] }).object).toBe(true);
  });

  it('counts a control-less step right only when the prediction names no control', () => {
    const select: D = {
      controlLabel: '',
      controlName: '',
      function: 'select_text',
      args: { text: 'a' },
      status: 'CONTINUE',
    };
    expect(scoreStep({ expected: select, predicted: select }).object).toBe(true);
    expect(scoreStep({ expected: select, predicted: { ...select, controlLabel: '3' } }).object).toBe(false);
  });

  it('compares arguments only when asked', () => {
    const typed: D = { ...bold, function: 'set_edit_text', args: { text: 'hello' } };
    const other = { ...typed, args: { text: 'bye' } };
    expect(scoreStep({ expected: typed, predicted: other }).operation).toBe(true);
    expect(scoreStep({ expected: typed, predicted: other }, { compareArgs: true }).operation).toBe(false);
    expect(scoreStep({ expected: typed, predicted: { ...typed } }, { compareArgs: true }).operation).toBe(
      true,
    );
  });
});

describe('decisionMetrics', () => {
  it('averages steps over all steps and tasks over tasks', () => {
    const m = decisionMetrics([
      {
        taskId: 'a',
        steps: [
          { expected: bold, predicted: bold },
          { expected: bold, predicted: bold },
        ],
      },
      {
        taskId: 'b',
        steps: [
          { expected: bold, predicted: bold },
          { expected: bold, predicted: { ...bold, status: 'FINISH' } },
        ],
      },
    ]);
    expect(m).toMatchObject({
      steps: 4,
      tasks: 2,
      statusAccuracy: 0.75,
      stepSuccessRate: 0.75,
      taskSuccessRate: 0.5,
    });
    expect(m.perTask).toEqual([
      { taskId: 'a', steps: 2, succeededSteps: 2, success: true },
      { taskId: 'b', steps: 2, succeededSteps: 1, success: false },
    ]);
  });

  it('gives zeros, not NaN, for no input', () => {
    expect(decisionMetrics([])).toMatchObject({ objectAccuracy: 0, taskSuccessRate: 0, steps: 0, tasks: 0 });
  });
});
