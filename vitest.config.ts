import { defineConfig } from 'vitest/config';

// Two projects: fast unit/proxy/CLI tests in Node, and end-to-end tests in real Chromium
// (serial: one browser at a time on these 2-core machines).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/proxy/**/*.test.ts', 'test/cli/**/*.test.ts', 'test/judge/**/*.test.ts', 'test/study/**/*.test.ts'],
          setupFiles: ['test/setup/fake-indexeddb.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
