import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildTrajectorySets } from './trajectory-sets';

const dir = mkdtempSync(join(tmpdir(), 'lam-sets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('buildTrajectorySets input errors', () => {
  it('says to run the evaluation when its records are missing', async () => {
    await expect(
      buildTrajectorySets({ evaluated: [join(dir, 'evaluation.jsonl')], trajectories: [], outDir: dir }),
    ).rejects.toThrow(/evaluation.jsonl does not exist. Run the evaluation first/);
  });

  it('names a trajectory file that does not exist, and what it should hold', async () => {
    await expect(
      buildTrajectorySets({
        evaluated: [],
        trajectories: [],
        extraTrajectories: [join(dir, 'lam2.jsonl')],
        outDir: dir,
      }),
    ).rejects.toThrow(/lam2.jsonl does not exist. Pass the trajectory log/);
  });

  it('names the line of a trajectory file that is not JSON', async () => {
    const file = join(dir, 'broken.jsonl');
    writeFileSync(file, '{"kind": "trajectory-start"\n');
    await expect(
      buildTrajectorySets({ evaluated: [], trajectories: [], extraTrajectories: [file], outDir: dir }),
    ).rejects.toThrow(/Line 1 of .*broken.jsonl is not JSON/);
  });

  it('refuses entries that are neither log records nor trajectories', async () => {
    const file = join(dir, 'other.json');
    writeFileSync(file, JSON.stringify([{ task: 'x' }]));
    await expect(
      buildTrajectorySets({ evaluated: [], trajectories: [], extraTrajectories: [file], outDir: dir }),
    ).rejects.toThrow(/Entry 1 of .*other.json is neither a trajectory log record nor a Trajectory/);
  });

  it('writes empty sets when there is nothing yet', async () => {
    const counts = await buildTrajectorySets({ evaluated: [], trajectories: [], outDir: dir });
    expect(counts.phase2).toEqual({ train: 0, test: 0 });
    expect(counts.files).toHaveLength(12);
  });
});
