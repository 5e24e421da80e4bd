import { defineConfig } from 'vitest/config';

// The Windows tests: Linux-side vitest files that run scripts (test/windows/scripts/*.mjs) under
// a Windows node.exe in Wine and check what they report, and what /proc shows, from Linux. Their
// own config because they share one wineserver for the run (wine-setup.ts), started after the
// leak guard and stopped before it checks (vitest tears global setups down in reverse order).
export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['test/windows/**/*.test.ts'],
    globalSetup: ['test/leak-guard.ts', 'test/windows/wine-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
