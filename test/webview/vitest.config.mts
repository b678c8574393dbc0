import { defineConfig } from 'vitest/config';

// Runs only the webview tests (the bundle is built first, as in the root config):
//   npx vitest run -c test/webview/vitest.config.mts
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/webview/**/*.test.ts'],
    globalSetup: ['test/setup/build.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
