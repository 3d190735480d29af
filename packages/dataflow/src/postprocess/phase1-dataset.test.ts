import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendJsonl, readJsonlAll as readAll, readJsonlAll, TaskPlanPair } from '@lam/schema';
import { afterAll, describe, expect, it } from 'vitest';
import { composeTasks } from '../evolve/evolve';
import { buildPhase1Dataset } from './phase1-dataset';
import { isTestTask } from './split';

const dir = mkdtempSync(join(tmpdir(), 'lam-phase1-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PAIRS = join(import.meta.dirname, '..', '__fixtures__', 'pairs.jsonl');

describe('buildPhase1Dataset', () => {
  it('writes chat samples split by root task, evolved pairs beside their source', async () => {
    const pairs = (await readAll(PAIRS, { schema: TaskPlanPair })).records;
    const evolvedFile = join(dir, 'evolved.jsonl');
    const evolved = composeTasks(pairs);
    appendJsonl(evolvedFile, evolved);
    const counts = await buildPhase1Dataset({
      inputs: [PAIRS, evolvedFile, PAIRS],
      outDir: dir,
      testFraction: 0.3,
    });
    expect(counts.train + counts.test).toBe(pairs.length + evolved.length);
    expect(counts.duplicates).toBe(pairs.length);
    const train = (await readJsonlAll(counts.trainFile)).records as {
      id: string;
      messages: { role: string; content: string }[];
    }[];
    const test = (await readJsonlAll(counts.testFile)).records as typeof train;
    expect(train).toHaveLength(counts.train);
    expect(test).toHaveLength(counts.test);
    expect(counts.test).toBeGreaterThan(0);
    const first = pairs[0] as TaskPlanPair;
    const sample = [...train, ...test].find((s) => s.id === `${first.taskId}#plan`);
    expect(sample?.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant']);
    expect(sample?.messages[2]?.content).toBe(first.plan.join('\n'));
    const testIds = new Set(test.map((s) => s.id.replace('#plan', '')));
    // A composed pair ("A, then B") holds B's plan: it is a test task when A or B is one.
    let mixed = 0;
    for (const e of evolved) {
      const first = isTestTask(e.evolvedFrom as string, { testFraction: 0.3 });
      const second = isTestTask(e.metadata?.composedWith as string, { testFraction: 0.3 });
      if (first !== second) mixed++;
      expect(testIds.has(e.taskId)).toBe(first || second);
    }
    expect(mixed).toBeGreaterThan(0);
    // No training sample holds the plan of a test pair.
    const testPlans = pairs.filter((p) => testIds.has(p.taskId)).map((p) => p.plan.join('\n'));
    for (const s of train) for (const plan of testPlans) expect(s.messages[2]?.content).not.toContain(plan);
  });

  it('names a missing input and what to do', async () => {
    await expect(buildPhase1Dataset({ inputs: [join(dir, 'none.jsonl')], outDir: dir })).rejects.toThrow(
      /does not exist. Run the extraction first/,
    );
  });
});
