import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Browser and LibreOffice tests launch real programs; on 2 shared cores that takes a moment.
    hookTimeout: 60_000,
    testTimeout: 30_000,
  },
});
