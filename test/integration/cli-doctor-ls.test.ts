// `pg doctor` reports every backend with a reason and the kernel features it found; `pg ls`
// answers in both forms.
import { describe, expect, it } from 'vitest';
import { probe } from '@pg/core';
import { pg } from '../fixtures/cli-harness.js';

describe('pg doctor', () => {
  it('--json lists every backend with availability and reason, and kernel features', async () => {
    const r = await pg(['doctor', '--json']);
    const out = JSON.parse(r.stdout) as {
      backends: { backend: string; available: boolean; reason: string }[];
      auto: string | null;
      features: { feature: string; found: boolean; detail: string }[];
    };
    expect(out.backends.map((b) => b.backend)).toEqual(['cgroup', 'contract', 'job', 'reaper', 'posix']);
    for (const b of out.backends) expect(b.reason).not.toBe('');
    // The same verdicts as the library's own probe in this process.
    const here = await probe();
    expect(out.backends.map((b) => [b.backend, b.available])).toEqual(here.map((p) => [p.backend, p.available]));
    expect(out.auto).toBe(here.find((p) => p.available)?.backend ?? null);
    expect(r.exitCode).toBe(out.auto === null ? 1 : 0);
    const features = out.features.map((f) => f.feature);
    if (process.platform === 'linux') {
      expect(features).toEqual(expect.arrayContaining(['pidfd', 'pidfs', 'child subreaper', 'cgroup v2']));
      // Features are read from the running kernel: /proc/self/mountinfo decides "cgroup v2".
      const { readFileSync } = await import('node:fs');
      const hasCgroup2 = readFileSync('/proc/self/mountinfo', 'utf8').includes(' - cgroup2 ');
      expect(out.features.find((f) => f.feature === 'cgroup v2')?.found).toBe(hasCgroup2);
    }
  });

  it('prints a report for people', async () => {
    const r = await pg(['doctor']);
    expect(r.stdout).toMatch(/^backends:$/m);
    expect(r.stdout).toMatch(/^ {2}(ok|no) {2}posix/m);
    expect(r.stdout).toMatch(/^kernel:$/m);
  });
});

describe('pg ls', () => {
  it('--json is an array of groups with the documented fields', async () => {
    const r = await pg(['ls', '--json']);
    expect(r.exitCode).toBe(0);
    const groups = JSON.parse(r.stdout) as Record<string, unknown>[];
    expect(Array.isArray(groups)).toBe(true);
    for (const g of groups) expect(Object.keys(g).sort()).toEqual(['backend', 'id', 'memberCount', 'name', 'orphaned', 'ownerPid']);
  });
});
