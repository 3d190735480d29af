// Writes the boilerplate of a workspace package: node scripts/new-package.mjs <dir> <name> "<description>"
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, name, description] = process.argv.slice(2);
if (!dir || !name) throw new Error('usage: node scripts/new-package.mjs <dir> <name> "<description>"');
mkdirSync(join(dir, 'src'), { recursive: true });
const write = (file, text) => existsSync(join(dir, file)) || writeFileSync(join(dir, file), text);
const entry = (base) => ({
  import: { types: `./dist/${base}.d.ts`, default: `./dist/${base}.js` },
  require: { types: `./dist/${base}.d.cts`, default: `./dist/${base}.cjs` },
});
write(
  'package.json',
  `${JSON.stringify(
    {
      name,
      version: '0.0.0',
      description,
      license: 'MIT',
      type: 'module',
      main: './dist/index.cjs',
      module: './dist/index.js',
      types: './dist/index.d.cts',
      exports: { '.': entry('index'), './package.json': './package.json' },
      files: ['dist', 'README.md'],
      sideEffects: false,
      scripts: {
        build: 'tsup',
        typecheck: 'tsc --noEmit',
        test: 'vitest run --reporter=default --reporter=json --outputFile.json=.reports/vitest.json',
      },
      engines: { node: '>=20' },
      publishConfig: { access: 'public' },
      repository: { type: 'git', url: 'git+https://github.com/lam-toolkit/lam.git', directory: dir },
    },
    null,
    2,
  )}\n`,
);
write(
  'tsconfig.json',
  `${JSON.stringify({ extends: '../../tsconfig.base.json', include: ['src'] }, null, 2)}\n`,
);
write(
  'tsup.config.ts',
  `import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
`,
);
