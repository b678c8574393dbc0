import { defineConfig } from 'vitest/config';

// Runs only the browser tests, without the project's bundle step (they bundle what they need):
//   npx vitest run -c test/browser/vitest.config.mts
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
