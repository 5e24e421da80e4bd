import { defineConfig } from 'vitest/config';

// Real processes and signals: every test file runs in its own forked process (the repository's
// rule). The sanitizer check fails a test after which the ASan/UBSan helper wrote a report
// (scripts/test-asan.mjs sets it up; without it the check does nothing).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: ['../../test/leak-guard.ts'],
    setupFiles: ['test/sanitizer-check.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
