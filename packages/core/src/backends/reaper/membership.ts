import { readStat } from '@pg/procfs';

/** How far up the parent chain a member may be from the helper (deeper trees are not members). */
const MAX_DEPTH = 4096;

/**
 * Whether `pid` is now a descendant of the helper `helperPid`: its parent chain, read from
 * `/proc/PID/stat`, reaches the helper. A subreaper's descendants cannot leave its subtree (an
 * orphan reparents to the nearest subreaper ancestor), so ancestry is membership. Called after
 * a pidfd for `pid` is open: if the pid was recycled by an unrelated process, that process is
 * not below the helper and is never signalled.
 */
export function isDescendant(pid: number, helperPid: number): boolean {
  let current = pid;
  for (let depth = 0; depth < MAX_DEPTH; depth++) {
    const stat = readStat(current);
    if (stat === undefined || stat.zombie) return false;
    if (stat.ppid === helperPid) return true;
    if (stat.ppid <= 1) return false;
    current = stat.ppid;
  }
  return false;
}
