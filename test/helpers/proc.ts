// Helpers every integration and conformance test shares: fixture paths, the liveness of a pid
// as the kernel reports it, and waiting on a kernel-observed condition.
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { readStat } from '@pg/procfs';

/** The absolute path of `test/fixtures/NAME`. */
export const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/**
 * Whether `pid` is a live process. A zombie is not: it has exited and only awaits reaping, yet
 * `kill(pid, 0)` still succeeds on it (docs/linux.md#zombies-and-pid-1), so the state in /proc decides.
 */
export function alive(pid: number): boolean {
  return readStat(pid)?.zombie === false;
}

/** Polls a kernel-observed condition with a generous limit; never a timing assertion. */
export async function until(condition: () => boolean | Promise<boolean>, what: string, limitMs = 30_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
    await sleep(wait);
  }
}
