import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendJsonl, DataflowRecord, readJsonlAll, type TaskPlanPair } from '@lam/schema';
import { afterAll, describe, expect, it } from 'vitest';
import { composeTasks } from '../evolve/evolve';
import { runInstantiation } from './run';

const dir = mkdtempSync(join(tmpdir(), 'lam-instantiate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pair = (taskId: string, task: string, plan: string[]): TaskPlanPair => ({
  taskId,
  task,
  plan,
  app: 'writer',
  source: 'docs',
});

const record = (p: TaskPlanPair, judge: boolean, filterReason?: string) => ({
  uniqueId: p.taskId,
  app: 'writer',
  original: { task: p.task, steps: p.plan },
  execution: null,
  instantiation: {
    evaluation: { result: { judge, thought: '', requestType: judge ? 'None' : 'Others' }, error: null },
    extra: { method: 'rules', ...(filterReason === undefined ? {} : { filterReason }) },
  },
  timeCost: { chooseTemplate: 0, prefill: 0, instantiationEvaluation: 0, total: 0 },
});

describe('runInstantiation', () => {
  it('does not rehearse a composed task again when one of its tasks failed its own rehearsal', async () => {
    const table = pair('writer_a', 'Insert a table', ['1. Choose **Table - Insert Table**.']);
    const cells = pair('writer_b', 'Split table cells', ['1. Choose **Table - Split Cells**.']);
    const [composed] = composeTasks([table, cells], { perPair: 1 });
    expect(composed?.metadata?.composedWith).toBeDefined();
    const out = join(dir, 'instantiation.jsonl');
    // Both tasks were instantiated before: the first was filtered in LibreOffice, the second passed.
    appendJsonl(out, [record(table, false, 'no-control'), record(cells, true)]);
    const inputs = join(dir, 'pairs.jsonl');
    appendJsonl(inputs, [table, cells, composed]);
    // No LibreOffice is needed: nothing is rehearsed.
    const summary = await runInstantiation({
      inputs: [inputs],
      out,
      documentsDir: join(dir, 'documents'),
      onProgress: null,
    });
    expect(summary).toMatchObject({ attempted: 1, skipped: 2, filtered: 1, reasons: { 'part-filtered': 1 } });
    const written = (await readJsonlAll(out, { schema: DataflowRecord })).records.at(-1);
    expect(written?.uniqueId).toBe(composed?.taskId);
    expect(written?.instantiation.extra?.filterReason).toBe('part-filtered');
    // Only the table task was filtered, whichever of the two the composition starts with.
    expect(written?.instantiation.prefill?.error).toContain('"Insert a table" (writer_a)');
    expect(written?.instantiation.prefill?.error).toContain('no-control');
  });
});
