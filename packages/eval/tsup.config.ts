import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', vitest: 'src/vitest/index.ts', browser: 'src/browser/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  external: ['vitest', 'playwright-core'],
});
