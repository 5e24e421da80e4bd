import { defineConfig } from 'vitest/config';

// Pure logic (command-line quoting, struct layouts) runs here on any platform; the calls into
// kernel32 run under Wine with a Windows node.exe (test/windows/ at the repository root).
export default defineConfig({
  test: { include: ['src/**/*.test.ts'], globalSetup: ['../../test/leak-guard.ts'], pool: 'forks' },
});
