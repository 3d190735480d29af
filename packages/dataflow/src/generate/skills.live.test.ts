// Every skill of the generator's catalogue on real LibreOffice: one seeded task per skill (its route
// drawn by the seed) is executed through @lam/grounding/desktop and verified by its checker, and the
// same checker fails on the untouched start document. The tests share one worker (one Writer, one
// Calc), as a generation run does. `scripts/generate-acceptance.mjs` runs every route of every skill.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChecker } from '@lam/eval';
import { readSpreadsheet, readTextDocument } from '@lam/grounding/desktop';
import { afterAll, describe, expect, it } from 'vitest';
import { SKILLS } from './catalogue';
import { documentFile } from './documents';
import { runGeneratedTask } from './execute';
import { generateTasks } from './tasks';
import { OfficeWorker } from './worker';

const dir = mkdtempSync(join(tmpdir(), 'lam-generate-skills-'));
const worker = new OfficeWorker();
afterAll(async () => {
  await worker.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.sequential('each skill in real LibreOffice', () => {
  it.each(SKILLS.map((s) => s.id))(
    '%s: a seeded task verifies, and its checker fails on the start document',
    async (id) => {
      const task = generateTasks({ count: 20, seed: 'ci', skills: [id], negativeFraction: 0 }).find(
        (t) => t.skills.length === 1,
      );
      expect(task).toBeDefined();
      if (task === undefined) return;
      const start = join(dir, `start-${task.id}${documentFile(task.start).ext}`);
      writeFileSync(start, documentFile(task.start).xml);
      const state =
        task.app === 'writer'
          ? { textDocument: async () => readTextDocument(start) }
          : { spreadsheet: async () => readSpreadsheet(start) };
      const before = await createChecker(task.checker).check(state);
      expect(before.pass, `the checker passes on the untouched document: ${before.reason}`).toBe(false);

      const outcome = await runGeneratedTask(worker, task, { workDir: dir, attempt: 1 });
      expect(outcome.verdict, `${task.request} (${task.route}): ${outcome.failure} ${outcome.reason}`).toBe(
        'verified',
      );
      const steps = outcome.records.filter((r) => r.kind === 'step');
      expect(steps).toHaveLength(task.steps.length);
      for (const r of steps) {
        const hash = r.step.metadata?.observation as string;
        expect(outcome.observations.get(hash)?.controls?.length).toBeGreaterThan(10);
        expect(r.step.result?.ok).toBe(true);
      }
      const last = steps.at(-1);
      expect(last?.step.decision.status).toBe('FINISH');
      expect(last?.step.decision.plan).toEqual([]);
    },
    120_000,
  );
});
