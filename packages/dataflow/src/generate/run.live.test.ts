// `runGenerate` on real LibreOffice: a run killed with SIGKILL part-way is finished by a rerun on the
// same folder with no task lost and none written twice, and the folder reads back as a dataset with
// the observations restored. The killed run is a child process (the built package), as a user's would be.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reapDesktopSessions } from '@lam/grounding/desktop';
import { TrajectoryLogRecord } from '@lam/schema';
import { afterAll, describe, expect, it } from 'vitest';
import { readGeneratedDataset } from './dataset';
import { runGenerate } from './run';

const dir = mkdtempSync(join(tmpdir(), 'lam-generate-run-'));
const out = join(dir, 'out');
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const options = {
  count: 5,
  seed: 'resume',
  negativeFraction: 0,
  skills: ['writer-bold', 'writer-italic', 'calc-bold-header'],
};

const lines = (file: string) =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => TrajectoryLogRecord.parse(JSON.parse(l)))
    : [];

describe.sequential('a generation run', () => {
  it('survives kill -9 and resumes with nothing lost and nothing twice', async () => {
    const script = `import('@lam/dataflow').then((m) => m.runGenerate({ ...${JSON.stringify(options)}, outDir: ${JSON.stringify(out)}, onProgress: null }))`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      cwd: join(import.meta.dirname, '..', '..'),
      stdio: 'ignore',
    });
    const file = join(out, 'trajectories.jsonl');
    const deadline = Date.now() + 90_000;
    while (lines(file).filter((r) => r.kind === 'trajectory-end').length < 2) {
      if (Date.now() > deadline || child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    reapDesktopSessions();
    const before = lines(file).filter((r) => r.kind === 'trajectory-end').length;
    expect(before).toBeGreaterThanOrEqual(2);
    expect(before).toBeLessThan(5);

    const summary = await runGenerate({ ...options, outDir: out, onProgress: null });
    expect(summary.skipped).toBe(before);
    expect(summary.ran).toBe(5 - before);
    const records = lines(file);
    const starts = records.filter((r) => r.kind === 'trajectory-start');
    const ends = records.filter((r) => r.kind === 'trajectory-end');
    expect(starts).toHaveLength(5);
    expect(ends).toHaveLength(5);
    expect(new Set(starts.map((r) => r.taskId)).size).toBe(5);

    // The phase-1 pairs, the card and the held-out suite come with the run.
    expect(readFileSync(join(out, 'task-plans.jsonl'), 'utf8').trim().split('\n')).toHaveLength(5);
    const card = JSON.parse(readFileSync(join(out, 'card.json'), 'utf8'));
    expect(card.verified).toBe(5);
    const suite = JSON.parse(readFileSync(join(out, 'heldout-suite', 'suite.json'), 'utf8'));
    expect(suite.tasks).toHaveLength(card.splits.heldout);

    const dataset = await readGeneratedDataset(out);
    expect(dataset.trajectories).toHaveLength(5);
    expect(dataset.tasks).toHaveLength(5);
    for (const t of dataset.trajectories) {
      expect(['train', 'test', 'heldout']).toContain(t.split);
      expect(t.verdict, `${t.request}: ${t.failure}`).toBe('verified');
      for (const s of t.steps) expect(s.observation?.controls?.length).toBeGreaterThan(10);
    }
  }, 300_000);
});
