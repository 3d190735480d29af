// `lam dataflow generate` and `lam dataflow merge` through the built command, as a user runs them: the
// option errors (exit 1, naming the flag), and a two-task run in real LibreOffice whose folder holds the
// output contract (trajectories with split and verdict, observations by hash, tasks, card, held-out
// suite) and which a merge joins without duplicates.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runLam } from '../__fixtures__/lam-cli';

const dir = mkdtempSync(join(tmpdir(), 'lam-generate-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lam = (args: string[]) => runLam(args, dir);

describe('lam dataflow generate', () => {
  it.each([
    [['--count', 'x', '--out', 'o'], '--count'],
    [['--count', '3'], '--out'],
    [['--count', '3', '--out', 'o', '--workers', '0'], '--workers'],
    [['--count', '3', '--out', 'o', '--shard', '2/2'], '--shard'],
    [['--count', '3', '--out', 'o', '--skills', 'writer-bold,nope'], '--skills'],
    [['--count', '3', '--out', 'o', '--task-timeout', '1'], '--task-timeout'],
    [['--count', '3', '--out', 'o', '--negatives', '2'], '--negatives'],
  ])('exits 1 naming the flag for %j', async (args, flag) => {
    const r = await lam(['dataflow', 'generate', ...args]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(flag);
    expect(existsSync(join(dir, 'o'))).toBe(false);
  });

  it('runs tasks in LibreOffice and writes the dataset, which merge joins', async () => {
    const out = join(dir, 'run');
    const args = [
      'dataflow',
      'generate',
      '--count',
      '2',
      '--out',
      out,
      '--seed',
      'cli',
      '--skills',
      'writer-bold,calc-sort',
      '--negatives',
      '0',
    ];
    const r = await lam(args);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\[2\/2\] .*verified.*\/min, ETA/);
    expect(r.stdout).toMatch(/2 tasks run now \(0 done before\), 2 verified/);
    const records = readFileSync(join(out, 'trajectories.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const starts = records.filter((x) => x.kind === 'trajectory-start');
    expect(starts).toHaveLength(2);
    for (const s of starts) {
      expect(s.metadata.verdict).toBe('verified');
      expect(['train', 'test', 'heldout']).toContain(s.metadata.split);
    }
    const hashes = new Set(
      readFileSync(join(out, 'observations.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).hash),
    );
    for (const x of records.filter((y) => y.kind === 'step'))
      expect(hashes.has(x.step.metadata.observation)).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'card.json'), 'utf8')).verified).toBe(2);
    expect(readFileSync(join(out, 'tasks.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);

    const again = await lam(args);
    expect(again.stdout).toMatch(/0 tasks run now \(2 done before\)/);

    const merged = join(dir, 'merged');
    const m = await lam(['dataflow', 'merge', out, out, '--into', merged]);
    expect(m.code, m.stderr).toBe(0);
    expect(m.stdout).toMatch(/2 trajectories \(2 duplicates dropped\)/);
  }, 240_000);
});
