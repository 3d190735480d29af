// `lam dataflow` through the built command, as a user runs it: the offline stages (extract, evolve,
// phase1) over LibreOffice's real help (or the dataflow package's help fixture where the help is not
// installed), the option errors (exit 1, naming the flag), and a rerun that resumes without writing a
// record twice. Real processes and the real @lam/dataflow; nothing is mocked.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runLam } from '../__fixtures__/lam-cli';
import { dataflowCommand, isDataflowUsageError } from './dataflow';

const installedHelp = '/usr/share/libreoffice/help/en-US';
const fixtureHelp = resolve(import.meta.dirname, '../../../../packages/dataflow/src/__fixtures__/help');
const helpDir = existsSync(join(installedHelp, 'text')) ? installedHelp : fixtureHelp;
const offline = ['--stages', 'extract,evolve,phase1', '--help-dir', helpDir];

const dir = mkdtempSync(join(tmpdir(), 'lam-dataflow-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const lam = (args: string[]) => runLam(args, dir);

const linesOf = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');

/** Records per output file of the offline stages. */
function counts(out: string): Record<string, number> {
  const files = ['task-plans.jsonl', 'evolved.jsonl', 'phase1/train.jsonl', 'phase1/test.jsonl'];
  return Object.fromEntries(
    files.map((f) => [f, existsSync(join(out, f)) ? linesOf(join(out, f)).length : 0]),
  );
}

describe('lam dataflow (the built command)', () => {
  it(`extracts, evolves and builds the phase-1 set from ${helpDir}, and prints the summary report's path`, async () => {
    const out = join(dir, 'offline');
    const run = await lam(['dataflow', '--out', out, ...offline]);
    expect(run.code, run.stdout + run.stderr).toBe(0);
    // Progress on stderr, counts on stdout, the summary report last.
    expect(run.stderr).toContain('dataflow: extract');
    expect(run.stderr).toContain('dataflow: phase1');
    expect(run.stderr).toMatch(/extract: \d+\/\d+ help files, \d+ pairs/);
    const stdout = run.stdout.trim().split('\n');
    expect(stdout[0]).toBe('lam dataflow: extract, evolve, phase1');
    expect(stdout.at(-1)).toBe(`summary: ${join(out, 'summary.md')}`);
    expect(run.stdout).toContain(`summary (JSON): ${join(out, 'summary.json')}`);

    const pairs = linesOf(join(out, 'task-plans.jsonl')).map((l) => JSON.parse(l));
    expect(pairs.length).toBeGreaterThan(0);
    for (const pair of pairs) {
      expect(typeof pair.taskId).toBe('string');
      expect(typeof pair.task).toBe('string');
      expect(Array.isArray(pair.plan) && pair.plan.length > 0).toBe(true);
      expect(['writer', 'calc']).toContain(pair.app);
    }
    const evolved = linesOf(join(out, 'evolved.jsonl')).map((l) => JSON.parse(l));
    expect(evolved.length).toBeGreaterThan(0);
    expect(evolved.every((p) => typeof p.evolvedFrom === 'string')).toBe(true);

    // The phase-1 set: one chat sample {id, messages} per distinct task, train and test apart.
    const train = linesOf(join(out, 'phase1', 'train.jsonl')).map((l) => JSON.parse(l));
    const test = linesOf(join(out, 'phase1', 'test.jsonl')).map((l) => JSON.parse(l));
    expect(train.length).toBeGreaterThan(0);
    expect(train.length + test.length).toBe(pairs.length + evolved.length);
    for (const sample of [...train, ...test]) {
      expect(typeof sample.id).toBe('string');
      expect(Array.isArray(sample.messages)).toBe(true);
      const roles = sample.messages.map((m: { role: string }) => m.role);
      expect(roles).toContain('user');
      expect(roles.at(-1)).toBe('assistant');
      for (const m of sample.messages) expect(typeof m.content).toBe('string');
    }
    const testIds = new Set(test.map((s) => s.id));
    expect(train.some((s) => testIds.has(s.id))).toBe(false);

    // The summary report holds the same counts; the later stages did not run.
    const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
    expect(summary.pairs).toMatchObject({ extracted: pairs.length, evolved: evolved.length });
    expect(summary.phase1).toEqual({ train: train.length, test: test.length });
    expect(Object.keys(summary.seconds).sort()).toEqual(['evolve', 'extract', 'phase1']);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('| phase 1 samples |');
    expect(run.stdout).toContain(`task-plan pairs: ${pairs.length} extracted, ${evolved.length} evolved`);
    expect(existsSync(join(out, 'instantiation.jsonl'))).toBe(false);
  });

  it('exits 1 on a bad option, naming the flag and what it takes, and writes nothing', async () => {
    const out = join(dir, 'bad');
    const stage = await lam(['dataflow', '--out', out, '--stages', 'extract,train']);
    expect(stage.code).toBe(1);
    expect(stage.stderr).toContain(
      '--stages: unknown stage "train": the stages are extract, evolve, phase1, instantiate, execute, evaluate, explore, postprocess, export (separated by commas), or all',
    );

    const negative = await lam(['dataflow', '--out', out, '--max-tasks', '-3']);
    expect(negative.code).toBe(1);
    expect(negative.stderr).toContain('--max-tasks: give --max-tasks as a whole number, 0 or more');
    expect(negative.stderr).toContain('(got "-3")');

    const several = await lam([
      'dataflow',
      '--out',
      out,
      '--test-fraction',
      '1.5',
      '--evolve-per-pair',
      'two',
      '--threshold',
      '-1',
      '--model',
      'gpt-4o',
    ]);
    expect(several.code).toBe(1);
    expect(several.stderr).toContain('--test-fraction: give --test-fraction as a number from 0 to 1');
    expect(several.stderr).toContain('--evolve-per-pair: give --evolve-per-pair as a whole number');
    expect(several.stderr).toContain('--threshold: give --threshold as a number from 0 to 100');
    expect(several.stderr).toContain('--model: give --model as onnx:<dir>, hf:<model id>');

    const missingHelp = await lam(['dataflow', '--out', out, '--help-dir', join(dir, 'no-help')]);
    expect(missingHelp.code).toBe(1);
    expect(missingHelp.stderr).toContain(`--help-dir: ${join(dir, 'no-help')} does not exist`);

    // Commander's own usage errors exit 1 as well.
    const unknown = await lam(['dataflow', '--out', out, '--stage', 'extract']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("unknown option '--stage'");
    expect(existsSync(out)).toBe(false);

    // The same checks for a caller of the function, before anything starts.
    const error = await dataflowCommand({ outDir: out, documentsPerSession: 0 }, { log: () => {} }).catch(
      (e: unknown) => e,
    );
    expect(isDataflowUsageError(error)).toBe(true);
    expect((error as Error).message).toMatch(/--documents-per-session: give --documents-per-session/);
    expect(existsSync(out)).toBe(false);
  });

  it('resumes: the same command run again writes no record twice', async () => {
    const out = join(dir, 'resume');
    const args = ['dataflow', '--out', out, ...offline];
    const first = await lam(args);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const before = counts(out);
    expect(before['task-plans.jsonl']).toBeGreaterThan(0);
    expect(first.stdout).toMatch(/extract: (\d+) help files \(\1 read now, 0 done before, skipped\)/);

    const second = await lam(args);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(counts(out)).toEqual(before);
    expect(second.stdout).toMatch(
      new RegExp(
        `extract: (\\d+) help files \\(0 read now, \\1 done before, skipped\\), 0 pairs written now, ${before['task-plans.jsonl']} in all`,
      ),
    );

    // --no-progress: the same run with no progress lines on stderr.
    const quiet = await lam([...args, '--no-progress']);
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(counts(out)).toEqual(before);
    expect(quiet.stdout.trim().split('\n').at(-1)).toBe(`summary: ${join(out, 'summary.md')}`);
  });
});
