import { join } from 'node:path';
import { createScriptedModel } from '@lam/runtime/scripted';
import { readJsonlAll, TaskPlanPair } from '@lam/schema';
import { describe, expect, it } from 'vitest';
import { composeTasks, evolutionProblem, evolveWithModel } from './evolve';

const FIXTURE_PAIRS: TaskPlanPair[] = [
  {
    taskId: 'writer_a',
    task: 'Insert a table with a menu command',
    plan: ['1. Choose **Table - Insert Table**.', '2. Click **OK**.'],
    app: 'writer',
    source: 'docs',
  },
  {
    taskId: 'writer_b',
    task: 'Apply an AutoFormat to a table',
    plan: ['1. Click in a table cell.', '2. Choose **Table - AutoFormat Styles**.', '3. Click **OK**.'],
    app: 'writer',
    source: 'docs',
  },
  {
    taskId: 'calc_c',
    task: 'Insert a chart from a table range',
    plan: ['1. Choose **Insert - Chart**.'],
    app: 'calc',
    source: 'docs',
  },
];

describe('composeTasks (offline evolution)', () => {
  it('joins related tasks of the same app, within the paper constraints', () => {
    const evolved = composeTasks(FIXTURE_PAIRS);
    expect(evolved.map((e) => e.task)).toEqual([
      'Insert a table with a menu command, then apply an AutoFormat to a table',
      'Apply an AutoFormat to a table, then insert a table with a menu command',
    ]);
    expect(evolved[0]).toMatchObject({
      evolvedFrom: 'writer_a',
      source: 'evolved',
      app: 'writer',
      plan: [
        '1. Choose **Table - Insert Table**.',
        '2. Click **OK**.',
        '3. Click in a table cell.',
        '4. Choose **Table - AutoFormat Styles**.',
        '5. Click **OK**.',
      ],
      metadata: { rule: 'compose', composedWith: 'writer_b' },
    });
    for (const e of evolved) {
      const base = FIXTURE_PAIRS.find((p) => p.taskId === e.evolvedFrom) as TaskPlanPair;
      expect(evolutionProblem(base, e)).toBeUndefined();
    }
  });

  it('evolves pairs extracted from the real help', async () => {
    const pairs = (
      await readJsonlAll(join(import.meta.dirname, '..', '__fixtures__', 'pairs.jsonl'), {
        schema: TaskPlanPair,
      })
    ).records;
    const evolved = composeTasks(pairs, { perPair: 2 });
    expect(evolved.length).toBeGreaterThan(4);
    for (const e of evolved) {
      const base = pairs.find((p) => p.taskId === e.evolvedFrom) as TaskPlanPair;
      const added = e.task.split(' ').length - base.task.split(' ').length;
      expect(added).toBeGreaterThan(0);
      expect(added).toBeLessThanOrEqual(20);
      expect(e.plan.some((s) => s.includes('**'))).toBe(true);
    }
  });

  it('rejects additions over 20 words or off the subject', () => {
    const base = FIXTURE_PAIRS[0] as TaskPlanPair;
    const long = `${base.task} ${'and more '.repeat(11)}`;
    expect(evolutionProblem(base, { task: long, plan: ['1. Click **OK**.'] })).toMatch(/more than 20/);
    expect(
      evolutionProblem(base, { task: 'Print the whole document twice now', plan: ['1. Click **OK**.'] }),
    ).toMatch(/not about the same subject|adds no/);
  });
});

describe('evolveWithModel', () => {
  it('asks the model through the data-evolution prompt and checks its answer', async () => {
    const model = createScriptedModel([
      JSON.stringify({
        task: 'Insert a table with a menu command, with 3 columns and 4 rows and a heading row',
        plan: [
          '1. Choose **Table - Insert Table**.',
          '2. Set **Columns** to 3 and **Rows** to 4.',
          '3. Select **Heading** and click **Insert**.',
        ],
      }),
      '{"task": "Insert a table", "plan": ["1. Click OK."]}',
    ]);
    const base = FIXTURE_PAIRS[0] as TaskPlanPair;
    const evolved = await evolveWithModel(base, { model });
    expect(evolved).toMatchObject({
      evolvedFrom: 'writer_a',
      source: 'evolved',
      task: 'Insert a table with a menu command, with 3 columns and 4 rows and a heading row',
      metadata: { rule: 'model' },
    });
    expect(evolved.plan).toHaveLength(3);
    await expect(evolveWithModel(base, { model })).rejects.toThrow(
      /rejected: the evolved task adds no requirement/,
    );
  });
});
