import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Browser tests share one Chromium per file; launching it and loading pages takes a moment on 2 cores.
    hookTimeout: 60_000,
    testTimeout: 30_000,
    // Real programs on a shared machine: one re-run absorbs a timing hiccup; the default reporter
    // marks such a test "(retry x1)" in the log, so a flaky test stays visible.
    retry: 1,
  },
});
