import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { describeConfig, envName, resolveConfig } from './config';

function folder(config?: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'lam-config-'));
  if (config !== undefined)
    writeFileSync(join(dir, 'lam.config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return dir;
}

describe('lam configuration', () => {
  test('defaults, then the config file, then the environment, then flags', () => {
    const cwd = folder({ model: 'scripted:file.jsonl', maxSteps: 7, out: 'from-file' });
    const env = { LAM_MAX_STEPS: '9', LAM_CONFIRM: 'no' };
    const config = resolveConfig({ cwd, env, flags: { out: 'from-flag', maxSteps: undefined } });
    expect(config.values).toEqual({
      model: 'scripted:file.jsonl',
      maxSteps: 9,
      out: 'from-flag',
      confirm: 'no',
      constrained: true,
      concurrency: 1,
    });
    expect(config.sources).toEqual({
      model: 'file',
      maxSteps: 'env',
      out: 'flag',
      confirm: 'env',
      constrained: 'default',
      concurrency: 'default',
    });
    expect(config.file).toBe(join(cwd, 'lam.config.json'));
    const lines = describeConfig(config);
    expect(lines).toContain('maxSteps = 9  (from LAM_MAX_STEPS)');
    expect(lines).toContain(`model = "scripted:file.jsonl"  (from ${join(cwd, 'lam.config.json')})`);
  });

  test('without a file or variables, the defaults; the model stays unset', () => {
    const config = resolveConfig({ cwd: folder(), env: {} });
    expect(config.values.model).toBeUndefined();
    expect(config.values.maxSteps).toBe(20);
    expect(config.file).toBeUndefined();
    expect(describeConfig(config)[1]).toBe('model = -  (not set (LAM_MODEL, or "model" in lam.config.json))');
  });

  test('flags and variables given as text are typed: numbers and booleans', () => {
    const config = resolveConfig({
      cwd: folder(),
      env: { LAM_CONSTRAINED: 'false' },
      flags: { concurrency: '3', maxSteps: '12' },
    });
    expect(config.values.constrained).toBe(false);
    expect(config.values.concurrency).toBe(3);
    expect(config.values.maxSteps).toBe(12);
  });

  test('LAM_CONFIG and --config name the file; --config wins', () => {
    const a = folder({ out: 'a' });
    const b = folder({ out: 'b' });
    const cwd = folder();
    expect(resolveConfig({ cwd, env: { LAM_CONFIG: join(a, 'lam.config.json') } }).values.out).toBe('a');
    expect(
      resolveConfig({
        cwd,
        env: { LAM_CONFIG: join(a, 'lam.config.json') },
        configFile: join(b, 'lam.config.json'),
      }).values.out,
    ).toBe('b');
  });

  test('a bad value in the file names the key and says what to do', () => {
    const cwd = folder({ maxSteps: 'ten', modle: 'x' });
    expect(() => resolveConfig({ cwd, env: {} })).toThrow(
      /lam\.config\.json is not valid:\n {2}maxSteps: expected a whole number\. Fix it in the file, or remove the key to use the default\.\n {2}"modle": not a setting; the settings are model, out, maxSteps, confirm, constrained, concurrency\./,
    );
  });

  test('a file that is not JSON, or a named file that is missing', () => {
    expect(() => resolveConfig({ cwd: folder('{ model: '), env: {} })).toThrow(
      /cannot be used: it is not JSON/,
    );
    expect(() => resolveConfig({ cwd: folder(), env: {}, configFile: 'nope.json' })).toThrow(
      /nope\.json cannot be used: it does not exist\. Fix the file or the path given with --config or LAM_CONFIG\./,
    );
  });

  test('a bad environment variable is named with its value', () => {
    expect(() => resolveConfig({ cwd: folder(), env: { LAM_CONFIRM: 'maybe' } })).toThrow(
      'LAM_CONFIRM="maybe": expected ask, yes or no. Change the variable or unset it.',
    );
    expect(() => resolveConfig({ cwd: folder(), env: { LAM_CONCURRENCY: '0' } })).toThrow(
      'LAM_CONCURRENCY="0": expected a number above 0.',
    );
  });

  test('a bad flag is named as it is typed', () => {
    expect(() => resolveConfig({ cwd: folder(), env: {}, flags: { maxSteps: '2.5' } })).toThrow(
      '--max-steps: expected a whole number. Change the option on the command line.',
    );
  });

  test('variable names', () => {
    expect(envName('maxSteps')).toBe('LAM_MAX_STEPS');
    expect(envName('model')).toBe('LAM_MODEL');
  });
});
