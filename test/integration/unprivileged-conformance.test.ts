// The whole conformance suite, run for real as uid 65534 (setpriv): once from this process's
// root-owned cgroup, where `auto` must fall back to posix and the cgroup backend is skipped with
// its probe's reason, and once from inside a delegated subtree (chowned as systemd delegates),
// where the cgroup backend must pass every behaviour.
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PRE_EXEC_SCRIPT, PRE_EXEC_SHELL, type Cgroup } from '@pg/cgroup';
import { AS_NOBODY, delegateSubtree, discardSubtree, readableCheckout, SETPRIV } from './unprivileged.js';

const root = process.geteuid?.() === 0 && existsSync(SETPRIV);

interface JsonReport {
  numFailedTests: number;
  testResults: { assertionResults: { fullName: string; status: string; failureMessages?: string[] }[] }[];
}

let delegated: Cgroup | undefined;
let readable: ReturnType<typeof readableCheckout>;
beforeAll(() => {
  readable = readableCheckout();
});
afterAll(() => readable.cleanup());
let out: string | undefined;

afterEach(async () => {
  await discardSubtree(delegated);
  delegated = undefined;
  if (out !== undefined) rmSync(out, { recursive: true, force: true });
  out = undefined;
});

/** Runs the conformance suite as uid 65534, optionally placed in `dir` first; returns its JSON report. */
function conformanceAsNobody(dir?: string): Promise<JsonReport> {
  const repo = readable.path;
  const vitest = join(repo, 'node_modules/vitest/vitest.mjs');
  out = mkdtempSync(join(tmpdir(), 'pg-unprivileged-'));
  chmodSync(out, 0o777);
  const report = join(out, 'report.json');
  const command = [...AS_NOBODY, 'env', `HOME=${out}`, process.execPath, vitest];
  // `--configLoader runner`: the default loader writes a bundled config under node_modules, which
  // uid 65534 may not.
  const args = [...command.slice(1), 'run', 'test/conformance', '--configLoader', 'runner', '--reporter', 'json', '--outputFile', report];
  const [file, argv] = dir === undefined ? [command[0]!, args] : [PRE_EXEC_SHELL, ['-c', PRE_EXEC_SCRIPT, dir, command[0]!, ...args]];
  return new Promise((resolve, reject) => {
    execFile(file, argv, { cwd: repo, timeout: 240_000 }, (error, _stdout, stderr) => {
      if (!existsSync(report)) return reject(new Error(`no report from the unprivileged run: ${error?.message}\n${stderr}`));
      resolve(JSON.parse(readFileSync(report, 'utf8')) as JsonReport);
    });
  });
}

/** The backend `auto` picks for uid 65534 here, from a process started as that user. */
function autoAsNobody(): Promise<string> {
  const script = "const { spawnGroup } = await import('@pg/core'); const g = await spawnGroup('/bin/true', [], { stdio: 'ignore' }); await g.empty; console.log(g.backend);";
  return new Promise((resolve, reject) => {
    execFile(AS_NOBODY[0]!, [...AS_NOBODY.slice(1), process.execPath, '--input-type=module', '-e', script], { cwd: readable.path, env: { ...process.env, PG_BACKEND: '' } }, (error, stdout, stderr) =>
      error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout.trim()),
    );
  });
}

/** Each failed test with the first line of its failure, so a failure here says what failed there. */
function failures(report: JsonReport): string[] {
  return report.testResults.flatMap((f) =>
    f.assertionResults.filter((t) => t.status === 'failed').map((t) => `${t.fullName}: ${(t.failureMessages?.[0] ?? '').split('\n')[0]}`),
  );
}

/** Behaviours that only root can set up (recycling a given pid through ns_last_pid) say so in their title. */
const ROOT_ONLY = /\broot\)$/;

/** The names of `backend`'s skipped tests (their describe title carries the reason). */
function skippedReasons(report: JsonReport, backend: string): string[] {
  return report.testResults.flatMap((f) => f.assertionResults.filter((t) => t.status === 'skipped' && t.fullName.includes(`[${backend}]`)).map((t) => t.fullName));
}

function statuses(report: JsonReport, backend: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const file of report.testResults) {
    for (const test of file.assertionResults) {
      if (!test.fullName.includes(`[${backend}]`)) continue;
      counts[test.status] = (counts[test.status] ?? 0) + 1;
    }
  }
  return counts;
}

describe.skipIf(!root)('the conformance suite as uid 65534', () => {
  it('from a root-owned cgroup: cgroup is skipped with its reason, auto picks reaper, and reaper and posix pass', async () => {
    const report = await conformanceAsNobody();
    expect(failures(report)).toEqual([]);
    const names = report.testResults.flatMap((f) => f.assertionResults.map((t) => t.fullName));
    expect(names.some((n) => /\[cgroup\] skipped: .*(EACCES|may not)/.test(n))).toBe(true);
    expect(statuses(report, 'cgroup').passed ?? 0).toBe(0);
    const reaper = statuses(report, 'reaper');
    expect(reaper.passed).toBeGreaterThan(20);
    expect(skippedReasons(report, 'reaper').filter((n) => !ROOT_ONLY.test(n))).toEqual([]);
    expect(statuses(report, 'posix').passed).toBeGreaterThan(20);
    expect(await autoAsNobody()).toBe('reaper');
  }, 300_000);

  it('from a delegated subtree: the cgroup backend passes every behaviour', async () => {
    delegated = delegateSubtree(`pgtest-conformance-${process.pid}`);
    const report = await conformanceAsNobody(delegated.dir);
    expect(failures(report)).toEqual([]);
    const cgroup = statuses(report, 'cgroup');
    expect(cgroup.passed).toBeGreaterThan(20);
    expect(cgroup.failed ?? 0).toBe(0);
    // Skipped only where the behaviour needs a guarantee the backend does not make (never for lack of rights).
    expect(skippedReasons(report, 'cgroup').filter((n) => !/does not guarantee/.test(n) && !ROOT_ONLY.test(n))).toEqual([]);
  }, 300_000);
});
