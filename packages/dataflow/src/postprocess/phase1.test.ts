import { LamError, SftSample } from '@lam/schema';
import { describe, expect, it } from 'vitest';
import { TASK_PLAN_SYSTEM_PROMPT, taskPlanSample } from './phase1';

const pair = {
  taskId: 'writer_001',
  task: 'Make the title bold',
  plan: ['1. Select the title.', '2. Click **Bold** on the **Formatting** toolbar.'],
  app: 'LibreOffice Writer',
};

describe('taskPlanSample', () => {
  it('turns a task-plan pair into a valid phase-1 chat sample', () => {
    const sample = taskPlanSample(pair);
    expect(SftSample.parse(sample)).toEqual(sample);
    expect(sample).toMatchObject({ id: 'writer_001#plan', phase: 1, source: { taskId: 'writer_001' } });
    expect(sample.messages).toEqual([
      { role: 'system', content: TASK_PLAN_SYSTEM_PROMPT },
      { role: 'user', content: 'Make the title bold (in LibreOffice Writer)' },
      {
        role: 'assistant',
        content: '1. Select the title.\n2. Click **Bold** on the **Formatting** toolbar.',
      },
    ]);
  });

  it('leaves the system message out on request', () => {
    expect(taskPlanSample(pair, { systemPrompt: null }).messages.map((m) => m.role)).toEqual([
      'user',
      'assistant',
    ]);
  });

  it('rejects an empty task id with a validation error that names the field', () => {
    let error: unknown;
    try {
      taskPlanSample({ ...pair, taskId: '' });
    } catch (e) {
      error = e;
    }
    expect(LamError.isInstance(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(/taskId/);
  });
});
