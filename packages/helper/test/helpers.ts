// What the helper's integration tests share: the binary under test, /proc facts about a pid
// (identity = pid + start time, so a recycled pid is never mistaken for a member), waiting on a
// kernel-observed condition, and clean-up that kills by pid what a test started.
import { descendantStats, readStat } from '@pg/procfs';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { findHelper, type HelperProcess, type StartHelperOptions } from '../src/index.js';

/** The binary under test: PG_HELPER (the ASan run) or build/pg-helper. */
export function helperPath(): string {
  const found = findHelper();
  if (!found.ok) throw new Error(found.reason);
  return found.path;
}

export const fixture = (name: string): string => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** This process as an owner identity, "PID.t<start time>" (`@pg/procfs`'s form). */
export function ownerOf(pid = process.pid): string {
  const stat = procStat(pid);
  if (stat === undefined) throw new Error(`no /proc/${pid}/stat`);
  return `${pid}.t${stat.start}`;
}

/** The defaults every test starts from. */
export function options(file: string, args: string[], more: Partial<StartHelperOptions> = {}): StartHelperOptions {
  return { file, args, stdio: 'ignore', subreaper: false, keep: false, owner: ownerOf(), ...more };
}

export interface Stat {
  state: string;
  ppid: number;
  pgid: number;
  /** Start time in clock ticks since boot (field 22): with the pid, a process's identity. */
  start: number;
}

export function procStat(pid: number): Stat | undefined {
  const stat = readStat(pid); // undefined: gone
  return stat === undefined ? undefined : { state: stat.state, ppid: stat.ppid, pgid: stat.pgid, start: Number(stat.startTime) };
}

export interface Proc {
  pid: number;
  start: number;
}

/** Alive: same pid and start time, and not a zombie (a zombie has ended, only awaits reaping). */
export function alive(p: Proc): boolean {
  const stat = procStat(p.pid);
  return stat !== undefined && stat.start === p.start && stat.state !== 'Z' && stat.state !== 'X';
}

/** Every process below `root` (zombies included), parents before their children. */
export function descendants(root: number): (Proc & Stat)[] {
  return descendantStats(root).map((stat) => ({ pid: stat.pid, state: stat.state, ppid: stat.ppid, pgid: stat.pgid, start: Number(stat.startTime) }));
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

/** Everything read from a stream, and when it ended. */
export function collect(stream: Readable | null | undefined): { text: () => string; ended: Promise<void> } {
  if (stream == null) throw new Error('no stream');
  let text = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => (text += chunk));
  const ended = new Promise<void>((resolve) => stream.once('end', resolve));
  return { text: () => text, ended };
}

const helpers = new Set<HelperProcess>();
const loose = new Map<number, Proc>();

/** Kill `h`'s helper and everything below it in cleanup(). */
export function track(h: HelperProcess): HelperProcess {
  helpers.add(h);
  return h;
}

/** Kill these processes in cleanup() (survivors that left every tracked tree). */
export function trackProcs(procs: Proc[]): void {
  for (const p of procs) loose.set(p.pid, p);
}

function signalIfAlive(p: Proc, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (!alive(p)) return;
  try {
    process.kill(p.pid, signal);
  } catch (error) {
    // ended between the check and the kill
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** Kill by pid (checked against its start time) what the test started; wait for tracked helpers. */
export async function cleanup(): Promise<void> {
  for (const h of helpers) {
    const pid = h.child.pid;
    const self = pid === undefined ? undefined : procStat(pid);
    if (pid !== undefined && self !== undefined) {
      // Stop first so nothing forks while we kill, then kill bottom-up by identity.
      const tree = descendants(pid);
      for (const p of tree) signalIfAlive(p, 'SIGSTOP');
      for (const p of [...tree, ...descendants(pid)]) signalIfAlive(p);
      signalIfAlive({ pid, start: self.start });
    }
    await h.exited;
  }
  helpers.clear();
  for (const p of loose.values()) signalIfAlive(p);
  loose.clear();
}
