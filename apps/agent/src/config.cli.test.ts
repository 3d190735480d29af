import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The built command, as a user runs it: settings from a config file and LAM_* variables.
const cli = resolve(import.meta.dirname, '../dist/cli.js');
const fixtures = join(import.meta.dirname, '__fixtures__');

async function lam(args: string[], options: { cwd: string; env?: Record<string, string> }) {
  const env = { ...process.env, ...options.env };
  for (const key of Object.keys(env)) if (key.startsWith('LAM_') && !options.env?.[key]) delete env[key];
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, ...args], {
      cwd: options.cwd,
      env,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('lam settings from a config file and the environment (the built command)', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const html = readFileSync(join(fixtures, 'form.html'));
    server = createServer((_, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(html));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  });
  afterAll(() => server.close());

  it('lam config prints each setting with where it comes from', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'lam-config-cli-'));
    writeFileSync(join(cwd, 'lam.config.json'), JSON.stringify({ model: 'scripted:a.jsonl', maxSteps: 4 }));
    const { code, stdout } = await lam(['config'], { cwd, env: { LAM_OUT: 'elsewhere' } });
    expect(code).toBe(0);
    expect(stdout).toContain(`config file: ${join(cwd, 'lam.config.json')}`);
    expect(stdout).toContain(`model = "scripted:a.jsonl"  (from ${join(cwd, 'lam.config.json')})`);
    expect(stdout).toContain('maxSteps = 4');
    expect(stdout).toContain('out = "elsewhere"  (from LAM_OUT)');
    expect(stdout).toContain('concurrency = 1  (default)');
  });

  it('lam run takes its model, step limit and output folder from the config file', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'lam-config-run-'));
    const step = (name: string, fn: string, args: object, status: string) =>
      JSON.stringify(
        JSON.stringify({
          thought: '',
          control_label: '',
          control_name: name,
          function: fn,
          args,
          status,
          plan: [],
        }),
      );
    writeFileSync(
      join(cwd, 'script.jsonl'),
      `${step('Name', 'set_edit_text', { text: 'Ada' }, 'CONTINUE')}\n${step('Save', 'click_input', { button: 'left', double: false }, 'FINISH')}\n`,
    );
    writeFileSync(
      join(cwd, 'lam.config.json'),
      JSON.stringify({ model: `scripted:${join(cwd, 'script.jsonl')}`, out: 'my-runs', confirm: 'no' }),
    );
    const { code, stdout } = await lam(['run', 'Sign up as Ada', '--app', 'web', '--url', url], { cwd });
    expect(stdout).toContain('with scripted:');
    expect(stdout).toContain('finished after 2 steps');
    expect(code).toBe(0);
    const runs = readdirSync(join(cwd, 'my-runs'));
    expect(runs).toHaveLength(1);
    expect(existsSync(join(cwd, 'my-runs', runs[0]!, 'trajectory.jsonl'))).toBe(true);

    // A flag wins over the file; an environment variable over the file too.
    const limited = await lam(['run', 'Sign up as Ada', '--app', 'web', '--url', url, '--max-steps', '1'], {
      cwd,
    });
    expect(limited.stdout).toContain('max-steps');
    expect(limited.code).toBe(1);
  }, 120_000);

  it("without a model anywhere it runs the project's own model; with a bad setting, the error says what to change", async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'lam-config-bad-'));
    const none = await lam(['run', 'x', '--app', 'web', '--url', url], { cwd, env: { LAM_MAX_STEPS: '1' } });
    expect(none.stdout).toMatch(/Running "x" in web with onnx:.*models\/lam-small/);
    expect(none.stdout).toMatch(/after [01] steps/);

    const badEnv = await lam(['run', 'x', '--app', 'web', '--url', url], {
      cwd,
      env: { LAM_MAX_STEPS: 'many' },
    });
    expect(badEnv.stderr).toContain(
      'LAM_MAX_STEPS="many": expected a whole number. Change the variable or unset it.',
    );

    writeFileSync(join(cwd, 'lam.config.json'), JSON.stringify({ confirm: 'always' }));
    const badFile = await lam(['config'], { cwd });
    expect(badFile.code).toBe(1);
    expect(badFile.stderr).toContain('confirm: expected ask, yes or no. Fix it in the file');

    const missing = await lam(['--config', 'nope.json', 'config'], { cwd });
    expect(missing.stderr).toContain('nope.json cannot be used: it does not exist');
  });
});
