import { execFile } from 'node:child_process';
import { appendFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const cli = resolve(import.meta.dirname, '../dist/cli.js');
const run = async (...args: string[]) => {
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [cli, ...args]);
    return { code: 0, stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string };
    return { code: e.code, stdout: e.stdout };
  }
};

const dir = mkdtempSync(join(tmpdir(), 'lam-cli-'));
const start = {
  kind: 'trajectory-start',
  trajectoryId: 't1',
  request: 'Make the title bold',
  startedAt: '2026-11-21T10:00:00.000Z',
};
const step = {
  kind: 'step',
  trajectoryId: 't1',
  step: {
    index: 1,
    decision: {
      thought: 'Bold is on the toolbar.',
      controlLabel: '12',
      controlName: 'Bold',
      function: 'click_input',
      args: { button: 'left', double: false },
      status: 'FINISH',
      plan: [],
    },
  },
};

describe('the lam program', () => {
  it('runs as a program, with no process in between', async () => {
    // The kernel runs the file through its first line (as npm's link does); a preloaded script reports
    // whether the file runs in the very process env started (env execs node).
    const probe = join(dir, 'probe.cjs');
    writeFileSync(
      probe,
      "process.stderr.write('probe ' + JSON.stringify({ main: process.argv[1], ppid: process.ppid }) + '\\n');",
    );
    const { stdout, stderr } = await promisify(execFile)(cli, ['--version'], {
      env: { ...process.env, NODE_OPTIONS: `--require ${probe}` },
    });
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const line = stderr.split('\n').find((l) => l.startsWith('probe '));
    const seen = JSON.parse(line?.slice('probe '.length) ?? '{}');
    expect(seen.main).toBe(cli);
    // env replaced itself with node: the program's parent is this test process.
    expect(seen.ppid).toBe(process.pid);
  });
});

describe('lam validate (the built command)', () => {
  it('accepts a valid trajectory file', async () => {
    const file = join(dir, 'ok.jsonl');
    writeFileSync(file, `${JSON.stringify(start)}\n${JSON.stringify(step)}\n`);
    const { code, stdout } = await run('validate', file);
    expect(code).toBe(0);
    expect(stdout).toContain('2 records, all valid');
  });

  it('names the line and the field of an invalid record, and a torn last line', async () => {
    const file = join(dir, 'bad.jsonl');
    const badStep = { ...step, step: { ...step.step, decision: { ...step.step.decision, status: 'DONE' } } };
    writeFileSync(file, `${JSON.stringify(start)}\n${JSON.stringify(badStep)}\n`);
    appendFileSync(file, JSON.stringify(step).slice(0, 40));
    const { code, stdout } = await run('validate', file);
    expect(code).toBe(1);
    expect(stdout).toContain('1 valid records, 2 problems');
    expect(stdout).toMatch(/bad\.jsonl:2/);
    expect(stdout).toMatch(/status/);
    expect(stdout).toMatch(/last line \(3\)/);
  });

  it('prints its version and help', async () => {
    expect((await run('--version')).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect((await run('--help')).stdout).toContain('validate');
  });
});
