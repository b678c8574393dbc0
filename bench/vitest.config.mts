import { defineConfig } from 'vitest/config';

/** `npm run bench:panel`: browser benchmarks, kept out of `npm test` (figures are reported, not asserted). */
export default defineConfig({
  test: {
    include: ['bench/**/*.bench.ts'],
    globalSetup: ['test/setup/build.ts'],
    testTimeout: 600_000,
    hookTimeout: 300_000,
  },
});
