import { defineConfig } from 'vitest/config';

// koffi must stay out of worker threads (koffi #190, #274): run every test file in a forked process.
export default defineConfig({
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'], globalSetup: ['../../test/leak-guard.ts'], pool: 'forks', testTimeout: 60_000, hookTimeout: 60_000 },
});
