import { defineConfig } from 'vitest/config';

// Integration and conformance tests under test/: real processes, cgroups and sockets. They use
// the built packages (turbo builds them first). Forked processes, never worker threads: koffi
// must not be loaded in a worker (koffi #190, #274).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The Windows tests run under Wine with their own set-up: test/windows/vitest.config.ts.
    exclude: ['test/windows/**', '**/node_modules/**'],
    globalSetup: ['test/leak-guard.ts'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
