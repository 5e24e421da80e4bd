import { defineConfig } from 'vitest/config';

// The same shape as every package: forked processes (the shared leak guard expects them).
export default defineConfig({
  test: { include: ['src/**/*.test.ts', 'test/**/*.test.ts'], globalSetup: ['../../test/leak-guard.ts'], pool: 'forks', testTimeout: 60_000, hookTimeout: 60_000 },
});
