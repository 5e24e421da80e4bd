/**
 * The conformance harness: every behaviour file runs against every backend `probe()` lists.
 * Unavailable backends are registered as skipped suites whose title carries the probe's reason,
 * so the report says what was skipped and why.
 */
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterEach, describe } from 'vitest';
import { alive, fixture, until } from '../helpers/proc.js';
import { probe, spawnGroup, type BackendName, type ProcessGroup, type SpawnGroupOptions } from '@pg/core';


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
