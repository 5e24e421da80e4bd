/**
 * The conformance harness: every behaviour file runs against every backend `probe()` lists.
 * Unavailable backends are registered as skipped suites whose title carries the probe's reason,
 * so the report says what was skipped and why.
 */
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { afterEach, describe } from 'vitest';
import { probe, spawnGroup, type BackendName, type ProcessGroup, type SpawnGroupOptions } from '@pg/core';

export const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

export const probes = await probe();

/** `describe` per backend: available ones run, the others are skipped with the reason. */
export function forEachBackend(title: string, body: (backend: BackendName) => void): void {
  for (const p of probes) {
    if (p.available) describe(`${title} [${p.backend}]`, () => body(p.backend));
    else describe.skip(`${title} [${p.backend}] skipped: ${p.reason}`, () => body(p.backend));
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

/** The next stdout line of the leader that matches `pattern`, with its capture groups. */
export async function line(group: ProcessGroup, pattern: RegExp): Promise<RegExpMatchArray> {
  const stdout = group.leader?.stdout;
  if (!stdout) throw new Error('the leader has no stdout pipe');
  const lines = createInterface({ input: stdout });
  try {
    for await (const text of lines) {
      const match = pattern.exec(text);
      if (match) return match;
    }
  } finally {
    lines.close();
  }
  throw new Error(`the leader closed stdout before printing ${pattern}`);
}

/** Polls `condition` (a kernel-observed state) until true; fails after `limitMs`. */
export async function until(condition: () => Promise<boolean> | boolean, what: string, limitMs = 20_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, wait));
  }
}

/** Whether a pid is a live, non-zombie process (a zombie answers kill(pid, 0) too). */
export async function alive(pid: number): Promise<boolean> {
  const { readFile } = await import('node:fs/promises');
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'latin1');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
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

export { once };
