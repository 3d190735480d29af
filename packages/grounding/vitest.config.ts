import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Browser tests share one Chromium per file; launching it and loading pages takes a moment on 2 cores.
    hookTimeout: 60_000,
    testTimeout: 30_000,
  },
});
