#!/usr/bin/env node
// Run the helper's integration tests again against build/pg-helper-asan (ASan + UBSan).
//
//   node scripts/test-asan.mjs [--if-built] [vitest args...]
//
// Reports go to files (log_path) in a fresh directory: the helper hands the caller's stderr back
// once the leader starts, so a report written later would be lost on stderr. abort_on_error makes
// a report also change the helper's exit status; test/sanitizer-check.ts fails the test after
// which a report appeared, and this script fails if any is left at the end.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const binary = join(packageDir, 'build', 'pg-helper-asan');
let args = process.argv.slice(2);
const ifBuilt = args[0] === '--if-built';
if (ifBuilt) args = args.slice(1);

if (!existsSync(binary)) {
  if (ifBuilt) {
    console.log('@pg/helper: no build/pg-helper-asan, skipping the sanitizer run (npm run test:asan builds and runs it)');
    process.exit(0);
  }
  console.error(`@pg/helper: ${binary} is missing: run npm run build:asan (needs a C compiler with ASan and UBSan)`);
  process.exit(1);
}

const logs = mkdtempSync(join(tmpdir(), 'pg-helper-asan-'));
const env = {
  ...process.env,
  PG_HELPER: binary,
  PG_HELPER_SANITIZER_LOGS: logs,
  ASAN_OPTIONS: `abort_on_error=1:detect_leaks=1:log_path=${join(logs, 'asan')}`,
  UBSAN_OPTIONS: `halt_on_error=1:abort_on_error=1:print_stacktrace=1:log_path=${join(logs, 'ubsan')}`,
};
// The build and prebuilt tests check the compilers and the shipped binaries, not this one: once is enough.
const vitest = spawnSync('npx', ['vitest', 'run', '--exclude', 'test/build.test.ts', '--exclude', 'test/prebuilt.test.ts', ...args], { cwd: packageDir, env, stdio: 'inherit' });
const reports = readdirSync(logs);
for (const name of reports) process.stderr.write(`--- ${name}\n${readFileSync(join(logs, name), 'utf8')}\n`);
rmSync(logs, { recursive: true, force: true });
if (reports.length > 0) {
  console.error(`@pg/helper: ${reports.length} sanitizer report(s) from pg-helper-asan`);
  process.exit(1);
}
process.exit(vitest.status ?? 1);
