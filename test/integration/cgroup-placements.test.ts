// Every guarantee of the cgroup backend holds with both placements: the conformance suite runs
// here (as part of `npm test`) with pg-helper's clone3 placement when it works, and this file runs
// its cgroup part once more with the pre-exec step forced (PG_CGROUP_PLACEMENT=pre-exec).
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probe } from '@pg/core';

const cgroup = (await probe()).find((p) => p.backend === 'cgroup');

interface JsonReport {
  testResults: { assertionResults: { fullName: string; status: string; failureMessages?: string[] }[] }[];
}

describe.skipIf(cgroup?.available !== true)('the cgroup backend with the pre-exec placement', () => {
  it('passes every conformance behaviour but dying with its owner, which it says it cannot do', async () => {
    const out = mkdtempSync(join(tmpdir(), 'pg-placement-'));
    try {
      const report = join(out, 'report.json');
      const vitest = join(process.cwd(), 'node_modules/vitest/vitest.mjs');
      await new Promise<void>((resolve) => {
        execFile(
          process.execPath,
          [vitest, 'run', 'test/conformance', '-t', '\\[cgroup\\]', '--reporter', 'json', '--outputFile', report],
          { env: { ...process.env, PG_CGROUP_PLACEMENT: 'pre-exec' }, timeout: 300_000 },
          () => resolve(),
        );
      });
      const tests = (JSON.parse(readFileSync(report, 'utf8')) as JsonReport).testResults.flatMap((f) => f.assertionResults).filter((t) => t.fullName.includes('[cgroup]'));
      const failed = tests.filter((t) => t.status === 'failed').map((t) => `${t.fullName}: ${(t.failureMessages?.[0] ?? '').split('\n')[0]}`);
      expect(failed).toEqual([]);
      expect(tests.filter((t) => t.status === 'passed').length).toBeGreaterThan(20);
      // Skipped only for the guarantee this placement lacks.
      const skipped = tests.filter((t) => t.status === 'skipped').map((t) => t.fullName);
      expect(skipped.length).toBeGreaterThan(0);
      expect(skipped.filter((n) => !/does not guarantee diesWithOwner/.test(n))).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 360_000);
});
