/**
 * The conformance harness: every behaviour file runs against every backend `probe()` lists,
 * like unstorage's `testDriver`: a backend plus what it guarantees. Unavailable backends are
 * registered as skipped suites whose title carries the probe's reason; a behaviour that needs a
 * guarantee a backend does not make is skipped for that backend, saying which guarantee.
 *
 * Each suite's title names its axes: `[backend, placement, user]`, the placement for the cgroup
 * backend only (`clone3` through pg-helper, the `pre-exec` step, or `user-manager`: clone3 by a
 * spawner in a delegated unit of the user's systemd manager). This run covers the axes of
 * this process; the others (the pre-exec placement, uid 65534) are nested runs of this suite,
 * mirrored test by test (test/integration/nested-conformance.ts).
 */
import { once } from 'node:events';
import { afterEach, describe } from 'vitest';
import { alive, fixture, until } from '../helpers/proc.js';
import { probe, spawnGroup, type BackendName, type Guarantees, type ProbeResult, type ProcessGroup, type SpawnGroupOptions } from '@pg/core';

export const probes = await probe();

/** The user this run is: `root`, or `uid N`. */
export const user = process.geteuid === undefined ? 'user' : process.geteuid() === 0 ? 'root' : `uid ${process.geteuid()}`;

/**
 * How an available cgroup backend places leaders here, as its probe says: `clone3` (pg-helper
 * creates the leader inside the group) or `pre-exec` (a shell moves itself in, then execs).
 */
export function placementOf(p: ProbeResult): string | undefined {
  if (p.backend !== 'cgroup' || !p.available) return undefined;
  if (/systemd user manager/.test(p.reason)) return 'user-manager';
  if (/pre-exec/.test(p.reason)) return 'pre-exec';
  if (/clone3/.test(p.reason)) return 'clone3';
  return 'placement not in its probe';
}

/** `[backend, placement, user]` for titles. */
export function axesOf(p: ProbeResult): string {
  return `[${[p.backend, placementOf(p), user].filter((a) => a !== undefined).join(', ')}]`;
}

/** The guarantees a behaviour relies on (boolean fields of `Guarantees`). */
export type Requirement = { [K in keyof Guarantees]: Guarantees[K] extends boolean ? K : never }[keyof Guarantees];

/**
 * `describe` per backend, titled with its axes: available ones run, the others are skipped with
 * the probe's reason; a backend that lacks one of `requires` is skipped with the guarantee it lacks.
 */
export function forEachBackend(title: string, body: (backend: BackendName, guarantees: Guarantees) => void, requires: readonly Requirement[] = []): void {
  for (const p of probes) {
    const lacking = p.guarantees === undefined ? [] : requires.filter((r) => p.guarantees?.[r] !== true);
    const guarantees = p.guarantees as Guarantees;
    const named = `${title} ${axesOf(p)}`;
    if (!p.available) describe.skip(`${named} skipped: ${p.reason}`, () => body(p.backend, guarantees));
    else if (lacking.length > 0) describe.skip(`${named} skipped: it does not guarantee ${lacking.join(', ')}`, () => body(p.backend, guarantees));
    else describe(named, () => body(p.backend, guarantees));
  }
}

const started: ProcessGroup[] = [];
const strays: number[] = [];

/** Spawns a group that afterEach kills and cleans up, whatever the test did. */
export async function start(backend: BackendName, file: string, args: string[] = [], options: SpawnGroupOptions = {}): Promise<ProcessGroup> {
  const group = await spawnGroup(file, args, { stdio: ['ignore', 'pipe', 'inherit'], ...options, backend });
  started.push(group);
  return group;
}

/** Remembers a pid outside any group (an escaper) for afterEach to SIGKILL by pid. */
export function stray(pid: number): void {
  strays.push(pid);
}

afterEach(async () => {
  for (const pid of strays.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
  await Promise.all(started.splice(0).map((g) => g[Symbol.asyncDispose]()));
});

/**
 * The leader's stdout as lines, read by one reader for the life of the group: a line that
 * arrives before anyone asks for it is kept, never lost between two `line()` calls.
 */
class Lines {
  readonly #lines: string[] = [];
  #partial = '';
  #ended = false;
  #wake: (() => void) | undefined;

  constructor(stdout: NodeJS.ReadableStream) {
    stdout.setEncoding('utf8');
    stdout.on('data', (chunk: string) => {
      const parts = (this.#partial + chunk).split('\n');
      this.#partial = parts.pop() ?? '';
      this.#lines.push(...parts);
      this.#wake?.();
    });
    stdout.on('end', () => {
      if (this.#partial !== '') this.#lines.push(this.#partial);
      this.#partial = '';
      this.#ended = true;
      this.#wake?.();
    });
  }

  /** The next line (from where the last call stopped) that matches `pattern`. */
  async next(pattern: RegExp): Promise<RegExpMatchArray | undefined> {
    for (;;) {
      while (this.#lines.length > 0) {
        const match = pattern.exec(this.#lines.shift() as string);
        if (match) return match;
      }
      if (this.#ended) return undefined;
      await new Promise<void>((resolve) => (this.#wake = resolve));
      this.#wake = undefined;
    }
  }
}

const readers = new WeakMap<ProcessGroup, Lines>();

/** The next stdout line of the leader that matches `pattern`, with its capture groups. */
export async function line(group: ProcessGroup, pattern: RegExp): Promise<RegExpMatchArray> {
  let reader = readers.get(group);
  if (reader === undefined) {
    const stdout = group.leader?.stdout;
    if (!stdout) throw new Error('the leader has no stdout pipe');
    reader = new Lines(stdout);
    readers.set(group, reader);
  }
  const match = await reader.next(pattern);
  if (match === undefined) throw new Error(`the leader closed stdout before printing ${pattern}`);
  return match;
}

/**
 * Reads lines matching `pattern` until `count` different first captures have been seen (in any
 * order, as two processes print them), and returns those captures sorted.
 */
export async function distinctLines(group: ProcessGroup, pattern: RegExp, count: number): Promise<string[]> {
  const seen = new Set<string>();
  while (seen.size < count) seen.add((await line(group, pattern))[1] as string);
  return [...seen].sort();
}

/** Resolves with true if `promise` settles within `ms`, false otherwise. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
  const done = promise.then(
    () => true,
    () => true,
  );
  try {
    return await Promise.race([done, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export { alive, fixture, once, until };
