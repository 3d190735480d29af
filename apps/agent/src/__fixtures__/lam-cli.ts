import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

/** The built `lam` command (tests that spawn it need `pnpm build` first). */
export const LAM_CLI = resolve(import.meta.dirname, '../../dist/cli.js');

/** Runs `lam <args>` in `cwd` as a user would, without the caller's LAM_* settings; resolves with its exit code and output. */
export function runLam(
  args: string[],
  cwd: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('LAM_')) delete env[key];
  const child = spawn(process.execPath, [LAM_CLI, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}
