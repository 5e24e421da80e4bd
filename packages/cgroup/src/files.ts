// Small synchronous helpers for cgroup interface files. They are kernel pseudo-files: a read or
// write never waits on a disk, and a synchronous call is both the cheapest way (members() of 1000
// pids is one 0.27 ms read of cgroup.procs, docs/linux.md#killing-and-listing-a-tree-measurements) and free of interleaving.
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { readKernelFile } from '@pg/procfs';
import { fsError } from './errors.js';

/** Read a cgroup file as text. @throws CgroupError with the errno code. */
export function readCgroupFile(path: string): string {
  try {
    return readKernelFile(path);
  } catch (error) {
    throw fsError('reading', path, error);
  }
}

/**
 * Read a cgroup file, or undefined when it does not exist (controller not enabled, old kernel, or
 * the cgroup itself removed: a read of a file whose cgroup was removed after the open gives ENODEV).
 */
export function readOptional(path: string): string | undefined {
  try {
    return readKernelFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENODEV') return undefined;
    throw fsError('reading', path, error);
  }
}

/**
 * Write a cgroup file in one write(2): the kernel parses each write separately, so a value must
 * never be split. Opened O_WRONLY and nothing else: some files are write-only (`cgroup.kill` is
 * mode 0200), so O_RDWR fails with EACCES for a non-root owner, and cgroupfs creates no files.
 */
export function writeCgroupFile(path: string, value: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_WRONLY);
    writeSync(fd, value);
  } catch (error) {
    throw fsError('writing', path, error);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Parse "key value" lines (cgroup.events, cgroup.stat, cpu.stat) into numbers. */
export function parseFlatKeyed(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const space = line.indexOf(' ');
    if (space <= 0) continue;
    const value = Number(line.slice(space + 1));
    if (Number.isFinite(value)) out[line.slice(0, space)] = value;
  }
  return out;
}

/** Parse cgroup.procs: one pid per line. The kernel may list a pid twice: dedupe. */
export function parsePids(text: string): number[] {
  // One pass over the characters: for 1000 pids this is about half the cost of split + Number,
  // and members() of a large group is mostly this parse after the kernel's own read.
  const pids: number[] = [];
  const seen = new Set<number>();
  let pid = 0;
  let digits = false;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 10;
    if (c >= 48 && c <= 57) {
      pid = pid * 10 + (c - 48);
      digits = true;
      continue;
    }
    if (digits && pid > 0 && !seen.has(pid)) {
      seen.add(pid);
      pids.push(pid);
    }
    pid = 0;
    digits = false;
  }
  return pids;
}
