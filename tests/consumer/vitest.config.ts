import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Packing, installing from the registry and running examples takes a while.
    hookTimeout: 600_000,
    testTimeout: 180_000,
  },
});
