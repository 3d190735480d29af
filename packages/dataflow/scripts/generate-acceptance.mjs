// Runs one seeded task of every route of every skill of the generator's catalogue in real LibreOffice
// (or of the skills named in argv[2], comma-separated) and prints one line per task and a JSON summary.
// Usage: node packages/dataflow/scripts/generate-acceptance.mjs [skills] [seed]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateTasks, OfficeWorker, runGeneratedTask, SKILLS } from '@lam/dataflow';

const wanted = process.argv[2] ? process.argv[2].split(',') : SKILLS.map((s) => s.id);
const seed = process.argv[3] ?? 'acceptance';
const dir = mkdtempSync(join(tmpdir(), 'lam-generate-acceptance-'));
const worker = new OfficeWorker();
const results = [];
const started = Date.now();
try {
  for (const id of wanted) {
    const skill = SKILLS.find((s) => s.id === id);
    const tasks = generateTasks({ count: 60, seed, skills: [id], negativeFraction: 0 }).filter(
      (t) => t.skills.length === 1,
    );
    for (const route of skill.routes) {
      const task = tasks.find((t) => t.route === route.id);
      if (task === undefined) continue;
      let line;
      try {
        const o = await runGeneratedTask(worker, task, { workDir: dir, attempt: 1 });
        line = {
          skill: id,
          route: route.id,
          task: task.id,
          verdict: o.verdict,
          failure: o.failure,
          reason: o.reason,
          ms: Math.round(o.ms),
        };
      } catch (e) {
        line = {
          skill: id,
          route: route.id,
          task: task.id,
          verdict: 'failed',
          failure: e.failure ?? 'crash',
          reason: String(e.message ?? e),
        };
        await worker.discard(task.app);
      }
      results.push(line);
      console.error(
        `${line.verdict === 'verified' ? 'ok  ' : 'FAIL'} ${id} ${route.id} ${task.id} ${line.ms ?? ''}ms ${line.verdict === 'verified' ? '' : `${line.failure}: ${line.reason}`}\n     ${task.request}`,
      );
    }
  }
} finally {
  await worker.close();
  rmSync(dir, { recursive: true, force: true });
}
const verified = results.filter((r) => r.verdict === 'verified').length;
console.log(
  JSON.stringify(
    {
      tasks: results.length,
      verified,
      seconds: Math.round((Date.now() - started) / 1000),
      failed: results.filter((r) => r.verdict !== 'verified'),
    },
    null,
    1,
  ),
);
