import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    web: 'src/web/index.ts',
    som: 'src/som/index.ts',
    testing: 'src/testing/index.ts',
    desktop: 'src/desktop/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  external: ['playwright-core', 'sharp', 'dbus-next'],
});
