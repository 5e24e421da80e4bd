import { existsSync, readdirSync } from 'node:fs';
import { readKernelFile } from './read.js';
import { assertLinux, isGone, pidSegment } from './linux.js';
import { readStat, type ProcStat } from './stat.js';

let childrenFiles: boolean | undefined;

/**
 * Whether this kernel has `/proc/PID/task/TID/children` (Linux 3.5, CONFIG_PROC_CHILDREN).
 * Decided once: it is a property of the kernel build, not of a process.
 */
function hasChildrenFiles(): boolean {
  childrenFiles ??= existsSync('/proc/thread-self/children');
  return childrenFiles;
}

/**
 * The pids of the children of `pid` (default meaning of `'self'`: this process), each once.
 *
 * Read from `/proc/PID/task/TID/children` of EVERY task (proc(5)): the file lists the children of
 * one thread, and an orphan reparented to a child subreaper becomes the child of whichever thread
 * it was given to. Where the kernel has no such file, every `/proc/N/stat` is read and the
 * processes whose parent is `pid` are returned. proc(5) warns that the list is exact only while
 * the children are stopped or frozen: a child forked meanwhile may be missing, so callers that
 * must see every member repeat until a pass finds none new. Linux only.
 * @returns `[]` when `pid` is gone.
 * @throws TypeError for a pid that is not a positive integer or `'self'`; Error `'EUNSUPPORTED'` off Linux.
 */
export function childrenOf(pid: number | 'self'): number[] {
  const segment = pidSegment(pid);
  assertLinux();
  if (!hasChildrenFiles()) return childrenByScan(pid);
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${segment}/task`);
  } catch (error) {
    if (isGone(error)) return [];
    throw error;
  }
  const found = new Set<number>();
  for (const tid of tasks) {
    let text: string;
    try {
      text = readKernelFile(`/proc/${segment}/task/${tid}/children`);
    } catch (error) {
      if (isGone(error)) continue; // the thread (or the process) ended meanwhile
      throw error;
    }
    for (const word of text.split(' ')) if (/^\d+$/.test(word)) found.add(Number(word));
  }
  return [...found];
}

/**
 * The fallback without children files: every process whose parent (stat field 4) is `pid`.
 * Exported for its test only (not from the package).
 */
export function childrenByScan(pid: number | 'self'): number[] {
  // The pid as this /proc mount numbers it, which is what the ppid fields hold.
  const parent = pid === 'self' ? readStat('self')?.pid : pid;
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat !== undefined && stat.ppid === parent) out.push(stat.pid);
  }
  return out;
}

/**
 * Every descendant of `pid` (children, their children, …), breadth-first, parents before their
 * children, `pid` itself left out. A process that has left the tree (an orphan reparented to
 * init or to a subreaper above `pid`) is not a descendant any more, `setsid` or not.
 *
 * Each pid is visited once, so the walk ends after at most as many reads as there are processes
 * on the system, even if a pid is recycled during the walk and shows up again lower in the tree.
 * Not atomic: a process forked during the walk may be missing (see `childrenOf`). Linux only.
 * @returns `[]` when `pid` is gone or has no children.
 */
export function descendantsOf(pid: number | 'self'): number[] {
  return walk(pid, childrenOf, (child) => child);
}

/**
 * `descendantsOf` with each descendant's `/proc/PID/stat` as read during the walk (zombies
 * included, see `zombie`; a process gone before its read is left out). The stat is what the walk
 * needs anyway: a process with one thread, its first, has all its children in one file
 * (`task/PID/children`), so no listing of its tasks is read. Linux only.
 */
export function descendantStats(pid: number | 'self'): ProcStat[] {
  const stats = new Map<number, ProcStat>();
  const childrenOfKnown = (parent: number | 'self') => {
    const stat = parent === 'self' ? undefined : stats.get(parent);
    if (stat === undefined || stat.zombie || stat.threads !== 1 || !hasChildrenFiles()) return childrenOf(parent);
    try {
      return childrenIn(readKernelFile(`/proc/${parent}/task/${parent}/children`));
    } catch (error) {
      if (isGone(error)) return childrenOf(parent); // its first thread ended meanwhile: every task's
      throw error;
    }
  };
  return walk(pid, childrenOfKnown, (child) => {
    const stat = readStat(child);
    if (stat !== undefined) stats.set(child, stat);
    return stat;
  });
}

function childrenIn(text: string): number[] {
  const out: number[] = [];
  for (const word of text.split(' ')) if (/^\d+$/.test(word)) out.push(Number(word));
  return out;
}

/** Breadth-first from `pid`, each pid once; `visit` gives what is kept (undefined: gone, skipped). */
function walk<T>(pid: number | 'self', children: (parent: number | 'self') => number[], visit: (child: number) => T | undefined): T[] {
  pidSegment(pid);
  const root = pid === 'self' ? readStat('self')?.pid : pid;
  const seen = new Set<number | undefined>([root]);
  const queue: number[] = [];
  const out: T[] = [];
  for (let i = -1; i < queue.length; i++) {
    const parent = i < 0 ? pid : (queue[i] as number);
    for (const child of children(parent)) {
      if (seen.has(child)) continue;
      seen.add(child);
      const kept = visit(child);
      if (kept === undefined) continue; // gone: its children, if any, were reparented elsewhere
      queue.push(child);
      out.push(kept);
    }
  }
  return out;
}
