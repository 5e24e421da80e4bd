// Fails the test after which the ASan/UBSan build of the helper wrote a report. scripts/test-asan.mjs
// points ASAN_OPTIONS/UBSAN_OPTIONS log_path into PG_HELPER_SANITIZER_LOGS: a report is a file
// there. (The helper's stderr is the caller's only until the leader starts, so stderr alone
// would miss most reports.) Without that variable this does nothing.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';

const dir = process.env.PG_HELPER_SANITIZER_LOGS;
if (dir !== undefined) {
  const seen = new Set<string>();
  afterEach(() => {
    const reports = readdirSync(dir).filter((name) => !seen.has(name));
    for (const name of reports) seen.add(name);
    const text = reports.map((name) => readFileSync(join(dir, name), 'utf8')).join('\n');
    expect(text, 'sanitizer report from pg-helper-asan').toBe('');
  });
}
