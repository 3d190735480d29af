import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  appendJsonl,
  type DataflowRecord,
  fromUfoDataflowRecord,
  readJsonlAll,
  TaskPlanPair,
} from '@lam/schema';
import { afterAll, describe, expect, it } from 'vitest';
import { exportUfoResults, exportUfoTasks, importUfoResults, importUfoTasks } from './ufo';

const dir = mkdtempSync(join(tmpdir(), 'lam-ufo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// A task file as UFO's dataflow README shows it (dataflow/tasks/prefill/bulleted.json).
const UFO_TASK = {
  app: 'word',
  unique_id: '5',
  task: 'make the text bulleted',
  refined_steps: ['1. Select the text.', '2. Click the **Bullets** button on the **Home** tab.'],
};

function record(id: string, judge: boolean, complete?: string): DataflowRecord {
  return {
    uniqueId: id,
    app: 'writer',
    original: { task: 'Add bullets', steps: ['1. Select the paragraph.', '2. Click **Unordered List**.'] },
    execution:
      complete === undefined
        ? null
        : {
            result: { reason: 'checked', subScores: { execution: 'yes' }, complete },
            error: null,
            extra: { trajectoryId: `${id}#1` },
          },
    instantiation: {
      chooseTemplate: { result: '/templates/list.fodt', error: null },
      prefill: judge
        ? {
            result: {
              request: 'Add bullets, on the list line "Notebook".',
              plan: [
                {
                  step: 1,
                  subtask: 'Select the list line "Notebook"',
                  controlLabel: '',
                  controlText: '',
                  function: 'select_text',
                  args: { text: 'Notebook' },
                },
              ],
            },
            error: null,
          }
        : { result: null, error: 'no-control: step 2' },
      evaluation: {
        result: { judge, thought: 'rehearsed', requestType: judge ? 'None' : 'Others' },
        error: null,
      },
    },
    timeCost: { chooseTemplate: 0.001, prefill: 1.5, instantiationEvaluation: 0, total: 1.6 },
  };
}

describe('UFO task files', () => {
  it('imports a prefill task file as a Writer task-plan pair, and exports it back', async () => {
    const tasks = join(dir, 'tasks');
    mkdirSync(tasks);
    writeFileSync(join(tasks, 'bulleted.json'), JSON.stringify(UFO_TASK));
    const out = join(dir, 'imported.jsonl');
    expect(await importUfoTasks(tasks, out)).toEqual({ imported: 1, skipped: 0 });
    expect(await importUfoTasks(tasks, out)).toEqual({ imported: 0, skipped: 1 });
    const [pair] = (await readJsonlAll(out, { schema: TaskPlanPair })).records;
    expect(pair).toEqual({
      taskId: '5',
      task: 'make the text bulleted',
      plan: UFO_TASK.refined_steps,
      app: 'writer',
      source: 'other',
      metadata: { ufoName: 'bulleted', ufoApp: 'word' },
    });
    const back = join(dir, 'exported');
    expect(await exportUfoTasks([out], back)).toBe(1);
    expect(JSON.parse(readFileSync(join(back, '5.json'), 'utf8'))).toEqual(UFO_TASK);
  });

  it('names a file that is not JSON', async () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'x.json'), '{"app": ');
    await expect(importUfoTasks(bad, join(dir, 'x.jsonl'))).rejects.toThrow(/x.json is not valid JSON/);
    await expect(importUfoTasks(join(dir, 'nowhere'), join(dir, 'x.jsonl'))).rejects.toThrow(
      /does not exist. Pass a UFO folder/,
    );
  });
});

describe('UFO result files', () => {
  it('routes records as data_flow_controller.py does and imports them back', async () => {
    const records = join(dir, 'records.jsonl');
    appendJsonl(records, [
      record('a', true),
      record('b', false),
      record('c', true, 'yes'),
      record('d', true, 'no'),
      record('e', true, 'unsure'),
    ]);
    const results = join(dir, 'results');
    expect(await exportUfoResults([records], results)).toEqual({
      'instantiation/instantiation_pass': 1,
      'instantiation/instantiation_fail': 1,
      'execution/execution_pass': 1,
      'execution/execution_fail': 1,
      'execution/execution_unsure': 1,
    });
    const passed = JSON.parse(readFileSync(join(results, 'execution', 'execution_pass', 'c.json'), 'utf8'));
    expect(passed).toMatchObject({
      unique_id: 'c',
      app: 'word',
      execution_result: { result: { complete: 'yes', sub_scores: { execution: 'yes' } }, error: null },
      instantiation_result: {
        prefill: {
          result: { instantiated_plan: [{ Step: 1, Function: 'select_text', Args: { text: 'Notebook' } }] },
        },
      },
    });
    expect(fromUfoDataflowRecord(passed).uniqueId).toBe('c');
    const back = join(dir, 'back.jsonl');
    expect(await importUfoResults(results, back)).toEqual({ imported: 5, skipped: 0 });
    const imported = (await readJsonlAll(back)).records as DataflowRecord[];
    expect(imported.map((r) => r.uniqueId).sort()).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(imported.find((r) => r.uniqueId === 'd')).toEqual(record('d', true, 'no'));
    expect(readdirSync(join(results, 'instantiation', 'instantiation_fail'))).toEqual(['b.json']);
  });
});
