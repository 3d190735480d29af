import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DATAFLOW_STAGES, type DataflowStage, runDataflowCommand } from './cli';
import { NO_PREFERENCE_PAIRS } from './report';

const dir = mkdtempSync(join(tmpdir(), 'lam-dataflow-cmd-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const helpDir = join(import.meta.dirname, '__fixtures__', 'help');
const offline: DataflowStage[] = ['extract', 'evolve', 'phase1'];

describe('runDataflowCommand', () => {
  it('chains extraction, evolution and the phase-1 set on real help pages', async () => {
    const result = await runDataflowCommand({ helpDir, outDir: dir, progress: false, stages: offline });
    expect(result.stages).toEqual(offline);
    expect(result.extraction?.total).toBe(11);
    expect(result.evolved).toBeGreaterThan(0);
    expect((result.phase1?.train ?? 0) + (result.phase1?.test ?? 0)).toBe(11 + (result.evolved ?? 0));
    expect(result.text).toContain('task-plan pairs: 11');
    expect(result.report.pairs).toMatchObject({ extracted: 11, evolved: result.evolved });
    expect(result.report.instantiation.total).toBe(0);
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain('| phase 1 samples |');
    const again = await runDataflowCommand({ helpDir, outDir: dir, progress: false, stages: offline });
    expect(again.extraction).toMatchObject({ skipped: 4, written: 0, total: 11 });
    expect((again.phase1?.train ?? 0) + (again.phase1?.test ?? 0)).toBe(11 + (again.evolved ?? 0));
  });

  it('runs a stage alone, in pipeline order whatever the order given', async () => {
    const result = await runDataflowCommand({ outDir: dir, progress: false, stages: ['phase1', 'evolve'] });
    expect(result.stages).toEqual(['evolve', 'phase1']);
    expect(result.extraction).toBeUndefined();
    expect(DATAFLOW_STAGES[0]).toBe('extract');
  });

  it('exports the pairs as UFO task files', async () => {
    const result = await runDataflowCommand({ outDir: dir, progress: false, stages: ['export'] });
    expect(result.exported?.tasks).toBeGreaterThanOrEqual(11);
    expect(existsSync(join(dir, 'ufo', 'tasks'))).toBe(true);
  });

  it('names an unknown stage and the known ones', async () => {
    await expect(
      runDataflowCommand({ outDir: dir, progress: false, stages: ['extract', 'train' as DataflowStage] }),
    ).rejects.toThrow(
      /Unknown dataflow stage\(s\): train. The stages are extract, evolve, phase1, instantiate/,
    );
  });

  it('asks for an output folder', async () => {
    await expect(runDataflowCommand({ outDir: ' ' })).rejects.toThrow(/needs outDir/);
  });

  it('post-processes an empty folder into empty sets', async () => {
    const empty = join(dir, 'empty');
    const result = await runDataflowCommand({ outDir: empty, progress: false, stages: ['postprocess'] });
    expect(result.sets?.phase2).toEqual({ train: 0, test: 0 });
  });

  it('says in the report which trajectories are in no set, and why there are no preference pairs', async () => {
    const folder = join(dir, 'evaluated');
    const record = (uniqueId: string, complete: string) => ({
      uniqueId,
      app: 'writer',
      original: { task: uniqueId, steps: [] },
      execution: {
        result: { reason: '', subScores: {}, complete },
        error: null,
        extra: { trajectoryId: `${uniqueId}#1` },
      },
      instantiation: {},
      timeCost: { chooseTemplate: 0, prefill: 0, instantiationEvaluation: 0, total: 0 },
    });
    mkdirSync(folder, { recursive: true });
    writeFileSync(
      join(folder, 'evaluation.jsonl'),
      `${[record('a', 'yes'), record('b', 'no'), record('c', 'unsure')].map((r) => JSON.stringify(r)).join('\n')}\n`,
    );
    const result = await runDataflowCommand({ outDir: folder, progress: false, stages: ['postprocess'] });
    expect(result.report.postprocess).toEqual({
      passing: 1,
      failing: 1,
      reasons: { 'verdict unsure': 1 },
      preferencePairs: 0,
      noPreferencePairs: NO_PREFERENCE_PAIRS,
    });
    expect(readFileSync(join(folder, 'summary.md'), 'utf8')).toContain(
      'in no set: verdict unsure 1. Preference pairs: 0 (a preference pair needs a passing and a failing trajectory',
    );
  });
});
