import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runDataflowCommand } from './cli';

const dir = mkdtempSync(join(tmpdir(), 'lam-dataflow-cmd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('runDataflowCommand', () => {
  it('chains extraction, evolution and the phase-1 set on real help pages', async () => {
    const helpDir = join(import.meta.dirname, '__fixtures__', 'help');
    const result = await runDataflowCommand({ helpDir, outDir: dir, progress: false });
    expect(result.extraction.total).toBe(11);
    expect(result.evolved).toBeGreaterThan(0);
    expect(result.phase1.train + result.phase1.test).toBe(11 + result.evolved);
    expect(result.text).toContain('task-plan pairs: 11');
    const again = await runDataflowCommand({ helpDir, outDir: dir, progress: false });
    expect(again.extraction).toMatchObject({ skipped: 4, written: 0, total: 11 });
    expect(again.phase1.train + again.phase1.test).toBe(11 + again.evolved);
  });
});
