// Meets the packages as an npm user would: packs each workspace package, lints the tarball with
// publint and are-the-types-wrong, installs every tarball into a fresh project outside the
// workspace, and runs each README's example there from ESM and from CommonJS.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { checkPackage, createPackageFromTarballData } from '@arethetypeswrong/core';
import { publint } from 'publint';
import { formatMessage } from 'publint/utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { extractExample, toCommonJs } from './readme-example';

const root = resolve(import.meta.dirname, '../../..');
const packageDirs = ['packages', 'apps'].flatMap((group) =>
  readdirSync(join(root, group)).map((name) => join(root, group, name)),
);

interface Workspace {
  dir: string;
  name: string;
  manifest: {
    private?: boolean;
    peerDependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
}
const workspaces: Workspace[] = packageDirs
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
  .filter(({ manifest }) => !manifest.private)
  .map(({ dir, manifest }) => ({ dir, name: manifest.name as string, manifest }));

const work = mkdtempSync(join(tmpdir(), 'lam-consumer-'));
const tarballs = new Map<string, string>();
const project = join(work, 'project');

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}) {
  return execFileSync(command, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
    timeout: 600_000,
  });
}

beforeAll(() => {
  const packs = join(work, 'tarballs');
  mkdirSync(packs);
  for (const ws of workspaces) {
    // pnpm pack rewrites workspace:* ranges to the real versions, as publishing does.
    const out = run('pnpm', ['pack', '--pack-destination', packs, '--json'], ws.dir);
    const filename = (JSON.parse(out) as { filename: string }).filename;
    tarballs.set(ws.name, resolve(packs, filename));
  }
  // Optional peers (onnxruntime-node, playwright-core, ...) at the versions the workspace tests with.
  const peers: Record<string, string> = {};
  for (const ws of workspaces) {
    for (const [peer, range] of Object.entries(ws.manifest.peerDependencies ?? {})) {
      if (!tarballs.has(peer)) peers[peer] = ws.manifest.devDependencies?.[peer] ?? range;
    }
  }
  const local = Object.fromEntries([...tarballs].map(([name, file]) => [name, `file:${file}`]));
  mkdirSync(project);
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({
      name: 'consumer',
      private: true,
      dependencies: { ...local, ...peers },
      overrides: local,
    }),
  );
  // onnxruntime-node's postinstall would fetch CUDA libraries; its CPU binary ships in the tarball.
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], project, {
    ONNXRUNTIME_NODE_INSTALL: 'skip',
  });
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

// LAM_CONSUMER_ONLY=@lam/eval,@lam/schema checks only those packages (all are still packed and installed).
const only = process.env.LAM_CONSUMER_ONLY?.split(',').map((s) => s.trim());
const checked = only ? workspaces.filter((ws) => only.includes(ws.name)) : workspaces;

describe.each(checked)('$name', (ws) => {
  it('passes publint', async () => {
    const { messages, pkg } = await publint({ pkgDir: ws.dir, pack: 'pnpm', strict: true, level: 'warning' });
    expect(messages.map((m) => formatMessage(m, pkg, { color: false }))).toEqual([]);
  });

  it('passes are-the-types-wrong', async () => {
    const tarball = tarballs.get(ws.name)!;
    const result = await checkPackage(createPackageFromTarballData(new Uint8Array(readFileSync(tarball))));
    expect(result.types).not.toBe(false);
    // The node16 profile: `moduleResolution: "node10"` cannot see subpath exports of any package,
    // so subpath entries (`/web`, `/onnx`, ...) are checked for node16 and bundler resolution only.
    const problems = ('problems' in result ? result.problems : []).filter(
      (p) =>
        !(
          'resolutionKind' in p &&
          p.resolutionKind === 'node10' &&
          'entrypoint' in p &&
          p.entrypoint !== '.'
        ),
    );
    expect(problems.map((p) => `${p.kind} ${JSON.stringify(p)}`)).toEqual([]);
  });

  const example = extractExample(readFileSync(join(ws.dir, 'README.md'), 'utf8'));

  it('has a README with an example', () => {
    expect(example, `${ws.dir}/README.md needs a "## Example" section with a js code block`).toBeTruthy();
  });

  it.each(['esm', 'cjs'] as const)('runs the README example from %s', (format) => {
    const file = join(project, `${ws.name.replace('/', '__')}.example.${format === 'esm' ? 'mjs' : 'cjs'}`);
    writeFileSync(file, format === 'esm' ? example! : toCommonJs(example!));
    const output = run(process.execPath, [file], project);
    expect(output.trim().length).toBeGreaterThan(0);
  });
});
