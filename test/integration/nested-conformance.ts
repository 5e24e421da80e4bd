// The conformance suite's other axes: placements and users this test process is not. Each is a
// separate vitest run of test/conformance (another environment, or uid 65534 through setpriv)
// in a cgroup made for it, read back through vitest's JSON reporter at collection time; `mirror`
// then declares one test per behaviour, backend, placement and user of that run, failing with the
// nested failure's message, plus the run's own clean-up checks: its leak guard found no process,
// and it left no process and no cgroup directory in its cgroup.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Cgroup, findCgroup2Mount, PRE_EXEC_SCRIPT, PRE_EXEC_SHELL } from '@pg/cgroup';
import type { NestedErrors } from './nested-errors-reporter.js';
import { AS_NOBODY, checkout, delegateSubtree, discardSubtree, readableCheckout } from './unprivileged.js';

/** One test as vitest's JSON reporter gives it. */
export interface NestedTest {
  readonly ancestorTitles: readonly string[];
  readonly title: string;
  readonly status: 'passed' | 'failed' | 'skipped' | 'pending' | 'todo';
  readonly failureMessages?: readonly string[];
  /** Its errors' messages, from nested-errors-reporter.ts (the JSON report keeps only stacks). */
  readonly messages?: readonly string[];
}

interface JsonReport {
  testResults: { name: string; status: string; message?: string; assertionResults: NestedTest[] }[];
}

/** How a nested run is made. */
export interface NestedRunOptions {
  /** Names the run's cgroup (`pgtest-NAME-PID` at the top of the cgroup2 mount). */
  readonly name: string;
  /** Run as uid 65534 (setpriv), from a readable checkout, with `--configLoader runner`. */
  readonly asNobody: boolean;
  /** The run's cgroup is delegated to uid 65534 (chowned as systemd delegates), else root's. */
  readonly delegated: boolean;
  /** Added to this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Only tests whose full name matches (vitest `-t`); the others are reported skipped. */
  readonly testNamePattern?: string;
  /**
   * Run vitest inside the user's systemd manager (its runtime directory): as a transient service
   * started with `systemd-run --user --pipe --wait` (KillMode=process, so anything it leaves stays
   * for the rig to find). Needs `asNobody`, the rig's user.
   */
  readonly insideUserManager?: string;
}

/** What a nested run reported, and what it left. */
export interface NestedRun {
  /** Per file (relative to test/conformance): the file-level error, if collecting it failed, and its tests. */
  readonly files: ReadonlyMap<string, { readonly error: string | undefined; readonly tests: readonly NestedTest[] }>;
  /** Why there is no report, when there is none. */
  readonly noReport: string | undefined;
  readonly exit: number | string | null;
  /** The end of its stderr. */
  readonly stderr: string;
  /** Live processes left in its cgroup when it exited (the pids, before they were killed). */
  readonly leftProcesses: readonly number[];
  /** Cgroup directories left below its cgroup when it exited (before they were removed). */
  readonly leftCgroups: readonly string[];
}

const CONFORMANCE = join(checkout, 'test/conformance');
/** The behaviour files the nested run must report. */
export const BEHAVIOUR_FILES = readdirSync(CONFORMANCE).filter((f) => f.endsWith('.test.ts')).sort();
const RUN_LIMIT_MS = 300_000;
const STDERR_KEPT = 32 * 1024;

/**
 * Runs test/conformance in a fresh cgroup made for the run (the process is moved there before
 * vitest starts, by the pre-exec step, as root), waits for it, records what it left in that
 * cgroup, then kills what is left and removes the cgroup. Never rejects for what the run did.
 */
export async function runConformance(options: NestedRunOptions): Promise<NestedRun> {
  const name = `pgtest-${options.name}-${process.pid}`;
  const cgroup = options.delegated ? delegateSubtree(name) : rootOwnedCgroup(name);
  const out = mkdtempSync(join(tmpdir(), `pg-${options.name}-`));
  let readable: { path: string; cleanup(): void } | undefined;
  try {
    chmodSync(out, 0o777);
    readable = options.asNobody ? readableCheckout() : { path: checkout, cleanup: () => undefined };
    const report = join(out, 'report.json');
    const errors = join(out, 'errors.jsonl');
    const vitest = [process.execPath, join(readable.path, 'node_modules/vitest/vitest.mjs'), 'run', 'test/conformance', '--reporter', 'json', '--outputFile', report];
    vitest.push('--reporter', './test/integration/nested-errors-reporter.ts');
    if (options.testNamePattern !== undefined) vitest.push('-t', options.testNamePattern);
    // `--configLoader runner`: the default loader writes a bundled config under node_modules, which uid 65534 may not.
    const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, PG_NESTED_ERRORS: errors };
    const inside = options.insideUserManager;
    const command = !options.asNobody
      ? vitest
      : inside === undefined
        ? [...AS_NOBODY, 'env', `HOME=${out}`, ...vitest, '--configLoader', 'runner']
        : [
            ...AS_NOBODY,
            'env',
            `XDG_RUNTIME_DIR=${inside}`,
            '/usr/bin/systemd-run',
            '--user',
            '--pipe',
            '--wait',
            '--quiet',
            '--collect',
            '-p',
            'KillMode=process',
            '-p',
            `WorkingDirectory=${readable.path}`,
            // A unit has the manager's environment: pass what the run needs.
            ...Object.entries({ HOME: out, PATH: env.PATH ?? '/usr/bin:/bin', PG_NESTED_ERRORS: errors, ...options.env }).flatMap(([k, v]) => ['-E', `${k}=${v}`]),
            '--',
            ...vitest,
            '--configLoader',
            'runner',
          ];
    delete env.PG_CGROUP_PARENT; // the run's groups go below its own cgroup, where this looks for leftovers
    const { exit, stderr } = await run(PRE_EXEC_SHELL, ['-c', PRE_EXEC_SCRIPT, cgroup.dir, ...command], readable.path, env, () => cgroup.kill());
    const left = { leftProcesses: cgroup.members(), leftCgroups: subdirectories(cgroup.dir).map((d) => relative(cgroup.dir, d)) };
    if (!existsSync(report)) return { files: new Map(), noReport: `no JSON report (exit ${exit})`, exit, stderr, ...left };
    const files = byFile(JSON.parse(readFileSync(report, 'utf8')) as JsonReport, existsSync(errors) ? readFileSync(errors, 'utf8') : '');
    return { files, noReport: undefined, exit, stderr, ...left };
  } finally {
    await discardSubtree(cgroup);
    rmSync(out, { recursive: true, force: true });
    readable?.cleanup();
  }
}

/** What a run is expected to show, per mirrored backend. */
export interface MirrorOptions {
  /** The backends mirrored, each with the axes its titles must carry (`[cgroup, pre-exec, root]`). */
  readonly axes: Readonly<Record<string, string>>;
  /** Per backend, the skip reasons that are right in this run; a skip for any other reason fails. */
  readonly rightSkips: Readonly<Record<string, RegExp>>;
}

/** A skip for a guarantee the backend does not make (the harness's title says which). */
export const LACKS_GUARANTEE = /^it does not guarantee /;
/** A behaviour only root can set up (recycling a given pid through ns_last_pid) says so in its title. */
export const NEEDS_ROOT = /\(needs root: [^)]*\)$/;

/**
 * Declares, under `title`, one test per behaviour of `nested` on each backend of `options.axes`:
 * failing with the nested failure, with a skip for a reason this run does not allow, or with axes
 * other than expected; skipped where it was skipped rightly. Also one per behaviour file that did
 * not load, and the run's own checks: every file reported on every backend, exit status, clean-up.
 */
export function mirror(title: string, nested: NestedRun, options: MirrorOptions): void {
  const backends = Object.keys(options.axes);
  describe(title, () => {
    it('reported every behaviour file on every backend, and exited 0 unless a behaviour failed', () => {
      expect(nested.noReport, `${nested.noReport}\n${nested.stderr}`).toBeUndefined();
      expect([...nested.files.keys()].sort()).toEqual(BEHAVIOUR_FILES);
      for (const [file, { error, tests }] of nested.files) {
        if (error !== undefined) continue; // its own test below says why
        expect(backends.filter((b) => !tests.some((t) => tagOf(t, b) !== undefined)), `backends with no test in ${file}`).toEqual([]);
      }
      const failed = [...nested.files.values()].some((f) => f.error !== undefined || f.tests.some((t) => t.status === 'failed'));
      if (!failed) expect(nested.exit, `the run failed outside any behaviour:\n${nested.stderr}`).toBe(0);
    });
    it('left no process behind (its leak guard, and its cgroup)', () => {
      expect(nested.stderr).not.toMatch(/tests left \d+ process/);
      expect(nested.leftProcesses).toEqual([]);
    });
    it('left no cgroup directory behind', () => {
      expect(nested.leftCgroups).toEqual([]);
    });
    for (const [file, { error, tests }] of nested.files) {
      if (error !== undefined) it(`${file} loads`, () => expect.fail(error));
      for (const test of tests) {
        const backend = backends.find((b) => tagOf(test, b) !== undefined);
        if (backend === undefined) continue;
        const { tag, skipReason } = tagOf(test, backend) as { tag: string; skipReason: string | undefined };
        const name = `${file} > ${[...test.ancestorTitles, test.title].join(' > ')}`;
        const expected = options.axes[backend] as string;
        const rightSkip = options.rightSkips[backend] ?? /$^/;
        const reason = skipReason ?? test.title;
        if (tag !== expected) it(name, () => expect.fail(`ran with the axes ${tag}; this run is ${expected}`));
        else if (test.status !== 'skipped') it(name, () => assertNested(test));
        else if (rightSkip.test(reason)) it.skip(name, () => undefined);
        else it(name, () => expect.fail(`skipped in the nested run (${reason}), which this run does not allow (${rightSkip})`));
      }
    }
  });
}

/**
 * The axes tag (`[cgroup, pre-exec, root]`) of the harness suite `test` belongs to, if that suite is
 * `backend`'s, and the probe's or the missing guarantee's reason when the suite is skipped.
 */
function tagOf(test: NestedTest, backend: string): { tag: string; skipReason: string | undefined } | undefined {
  for (const title of test.ancestorTitles) {
    const match = new RegExp(`(\\[${backend}(?:, [^\\]]*)?\\])(?: skipped: (.*))?$`, 's').exec(title);
    if (match) return { tag: match[1] as string, skipReason: match[2] };
  }
  return undefined;
}

/** The nested test's outcome as this test's: its failure (first line as the message, all of it as the stack). */
function assertNested(test: NestedTest): void {
  if (test.status === 'failed') {
    const stack = test.failureMessages?.[0] ?? '';
    const message = test.messages?.[0] ?? stack.split('\n')[0] ?? '(no message)';
    const error = new Error(`failed in the nested run: ${message}`);
    error.stack = `${error.message}\n${stack}`;
    throw error;
  }
  expect(test.status).toBe('passed');
}

/** The report's tests by file, each failed one with its messages from the errors reporter's lines. */
function byFile(report: JsonReport, errorLines: string): Map<string, { error: string | undefined; tests: NestedTest[] }> {
  const key = (file: string, titles: readonly string[]) => JSON.stringify([file, ...titles]);
  const messages = new Map<string, readonly string[]>();
  for (const line of errorLines.split('\n').filter(Boolean)) {
    const failed = JSON.parse(line) as NestedErrors;
    messages.set(key(failed.file, failed.titles), failed.messages);
  }
  const files = new Map<string, { error: string | undefined; tests: NestedTest[] }>();
  for (const f of report.testResults) {
    const file = posix.basename(f.name);
    const error = f.status === 'failed' && f.assertionResults.length === 0 ? (f.message ?? 'failed to load') : undefined;
    const tests = f.assertionResults.map((t) => ({ ...t, messages: messages.get(key(file, [...t.ancestorTitles, t.title])) }));
    files.set(file, { error, tests });
  }
  return files;
}

/** A cgroup at the top of the cgroup2 mount that only root may write. */
function rootOwnedCgroup(name: string): Cgroup {
  const dir = posix.join(findCgroup2Mount().mountPoint, name);
  mkdirSync(dir);
  return new Cgroup(dir);
}

function subdirectories(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const sub = posix.join(dir, entry.name);
    found.push(sub, ...subdirectories(sub));
  }
  return found;
}

/**
 * Runs `file args` to its end: its exit code or signal, and the end of its stderr. After
 * `RUN_LIMIT_MS`, `kill` ends it and everything it started (its cgroup's `cgroup.kill`).
 */
function run(file: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, kill: () => void): Promise<{ exit: number | string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEPT);
    });
    const timer = setTimeout(kill, RUN_LIMIT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    // Its end is its exit; stderr is read on until it closes, or for 10 s more where a process
    // it left behind holds it open (the checks after the run find that process).
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const done = () => resolve({ exit: signal ?? code, stderr });
      if (child.stderr === null || child.stderr.closed) return done();
      const grace = setTimeout(done, 10_000);
      child.stderr.once('close', () => {
        clearTimeout(grace);
        done();
      });
    });
  });
}
