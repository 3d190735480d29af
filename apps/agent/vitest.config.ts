import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Real LibreOffice and Chromium sessions start in a few seconds; a busy 2-core machine doubles that.
    testTimeout: 90_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
