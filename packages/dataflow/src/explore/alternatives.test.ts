import type { DataflowRecord, Step, Trajectory } from '@lam/schema';
import { describe, expect, it } from 'vitest';
import { alternativeRecord, chooseAlternatives } from './alternatives';

const controls = [
  { label: '1', name: 'Format', type: 'MenuItem' },
  { label: '2', name: 'Bold', type: 'Button' },
  { label: '3', name: 'Italic', type: 'Button' },
  { label: '4', name: 'Bold Italic', type: 'Button' },
  { label: '5', name: 'Close Document', type: 'Button' },
  { label: '6', name: 'Underline', type: 'Button' },
  { label: '7', name: 'Underline', type: 'Button' },
  { label: '8', name: 'Help', type: 'Button' },
];

const step = (index: number, control: (typeof controls)[number] | null, fn = 'click_input'): Step => ({
  index,
  startedAt: '2026-11-22T00:00:00.000Z',
  observation: { application: 'soffice-writer', controlCount: controls.length, controls },
  decision: {
    thought: `step ${index}`,
    controlLabel: control?.label ?? '',
    controlName: control?.name ?? '',
    function: fn,
    args: {},
    status: 'CONTINUE',
    plan: [],
  },
  control: control === null ? null : { ...control, matchedBy: 'label' },
  result: { ok: true, durationMs: 1 },
  timings: { totalMs: 1 },
});

const trajectory = (steps: Step[]): Trajectory => ({
  id: 'writer_1#1',
  taskId: 'writer_1',
  request: 'Make the title bold.',
  startedAt: '2026-11-22T00:00:00.000Z',
  status: 'finished',
  steps,
});

describe('chooseAlternatives', () => {
  it('takes the closest other name of the same type, unique in the list and not one that ends the session', () => {
    const chosen = chooseAlternatives(trajectory([step(1, controls[0]!), step(2, controls[1]!)]), 2);
    // Format has no other MenuItem; Bold's closest unique, safe Button is "Bold Italic".
    expect(chosen).toEqual([
      {
        step: 2,
        from: { label: '2', name: 'Bold', type: 'Button' },
        to: expect.objectContaining({ label: '4', name: 'Bold Italic' }),
      },
    ]);
  });

  it('leaves out typing, failed and skipped steps, and spreads the chosen ones over the plan', () => {
    const typed = step(1, null, 'select_text');
    const failed = { ...step(2, controls[1]!), result: { ok: false, error: 'x', durationMs: 1 } };
    const skipped = { ...step(3, controls[1]!), metadata: { skipped: true } };
    expect(chooseAlternatives(trajectory([typed, failed, skipped]), 1)).toEqual([]);
    const many = trajectory([1, 2, 3, 4].map((i) => step(i, controls[1]!)));
    const two = chooseAlternatives(many, 2).map((a) => a.step);
    expect(two).toHaveLength(2);
    expect(new Set(two).size).toBe(2);
    // The same choice every time for the same task.
    expect(chooseAlternatives(many, 2).map((a) => a.step)).toEqual(two);
  });
});

describe('alternativeRecord', () => {
  it('changes only the control of one step, keeps the task plan for the checks and the document name', () => {
    const record = {
      uniqueId: 'writer_1',
      app: 'writer',
      original: { task: 'Bold', steps: [] },
      execution: { result: null, error: null, extra: { trajectoryId: 'writer_1#1' } },
      instantiation: {
        prefill: {
          result: {
            request: 'Make the title bold.',
            plan: [
              { step: 1, subtask: 'Select the title', function: 'select_text', args: { text: 'Title' } },
              {
                step: 2,
                subtask: 'Click "Bold"',
                controlLabel: '2',
                controlText: 'Bold',
                function: 'click_input',
                args: {},
                success: true,
                matchedControlText: 'Bold',
                extra: { ensure: { checked: true } },
              },
            ],
          },
          error: null,
        },
      },
      timeCost: { chooseTemplate: 0, prefill: 0, instantiationEvaluation: 0, total: 0 },
      extra: { variantOf: 'writer_0' },
    } as unknown as DataflowRecord;
    const alt = alternativeRecord(record, {
      step: 2,
      from: { label: '2', name: 'Bold', type: 'Button' },
      to: { label: '3', name: 'Italic', type: 'Button', similarity: 20 },
    });
    expect(alt.uniqueId).toBe('writer_1~2');
    expect(alt.execution).toBeNull();
    const plan = alt.instantiation.prefill?.result?.plan ?? [];
    expect(plan[1]).toEqual({
      step: 2,
      subtask: 'Click "Bold"',
      controlLabel: '3',
      controlText: 'Italic',
      function: 'click_input',
      args: {},
    });
    expect(plan[0]).toEqual({
      step: 1,
      subtask: 'Select the title',
      function: 'select_text',
      args: { text: 'Title' },
    });
    expect(alt.extra).toMatchObject({
      variantOf: 'writer_0',
      alternativeOf: 'writer_1',
      divergesAt: 2,
      documentName: 'writer_1',
      checkPlan: record.instantiation.prefill?.result?.plan,
    });
  });
});
