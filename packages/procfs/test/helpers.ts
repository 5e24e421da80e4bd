import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { readStat } from '../src/index.js';

const startedPids = new Set<number>();

/** Start `file args`, remembering its pid so `killStarted` ends it. */
export function start(file: string, args: string[], stdio: StdioOptions = 'ignore'): ChildProcess & { pid: number } {
  const child = spawn(file, args, { stdio });
  if (child.pid === undefined) throw new Error(`spawn ${file} failed`);
  startedPids.add(child.pid);
  return child as ChildProcess & { pid: number };
}

/** Remember a pid a test found (a grandchild) so `killStarted` ends it. */
export function track(pid: number): number {
  startedPids.add(pid);
  return pid;
}

/**
 * SIGKILL every pid started or tracked, if it is still the same live process (never by name).
 * A grandchild's pid could only be reused after it was reaped; tests run for seconds, far from
 * wrapping pid_max.
 */
export function killStarted(): void {
  for (const pid of startedPids) {
    const stat = readStat(pid);
    if (stat === undefined || stat.zombie) continue;
    try {
      process.kill(pid, 'SIGKILL');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
  startedPids.clear();
}

/** Poll a kernel-observed condition with a generous limit; never a timing assertion. */
export async function until(condition: () => boolean, what: string, limitMs = 20_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (let wait = 2; !condition(); wait = Math.min(wait * 2, 50)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(wait);
  }
}
