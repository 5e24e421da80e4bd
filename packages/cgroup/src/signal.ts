import { PidfdError, checkSignalNumber, signalIfMember, type Pidfd } from '@pg/pidfd';
import { startTimeOf } from '@pg/procfs';
import { CgroupError } from './errors.js';
import type { Cgroup } from './group.js';
import { cgroupPathOf, cgroupPathOfDir, findCgroup2Mount, isWithin } from './mount.js';

/**
 * One signal pass over `group` and every cgroup below it: each pid in `cgroup.procs` whose
 * identity is not yet in `signalled` gets `signal`, and its identity is added. Like systemd, a
 * caller repeats passes until one returns 0 (there is no kernel primitive for signals other
 * than SIGKILL; use `Cgroup.kill()` for that).
 *
 * Each pid is opened as a pidfd first and checked to be in the group *after* opening (its
 * cgroup id from PIDFD_GET_INFO, else /proc/PID/cgroup); the signal then goes through the pidfd,
 * so a pid recycled by an unrelated process between the read and the signal is never hit. The
 * identity is the pidfd id (else pid plus start time), so a recycled pid counts as new.
 *
 * @returns how many processes this pass signalled.
 * @throws CgroupError `'EPERM'` when a member may not be signalled (the others are still signalled).
 */
export function signalPass(group: Cgroup, signal: number, signalled: Set<string>): number {
  const sig = checkSignalNumber(signal);
  // The group's cgroup path as /proc/PID/cgroup shows it, for the fallback membership check.
  const groupPath = cgroupPathOfDir(group.dir, findCgroup2Mount());
  const all = group.descendants();
  const ids = new Set(all.map((g) => safeId(g)));
  let denied: unknown;
  let fresh = 0;
  for (const g of all) {
    let pids: number[];
    try {
      pids = g.procs();
    } catch (error) {
      if (CgroupError.isInstance(error) && error.code === 'ENOENT') continue; // child cgroup removed
      throw error;
    }
    for (const pid of pids) {
      const result = signalMember(groupPath, ids, pid, sig, signalled);
      if (result === 'sent') fresh++;
      else if (result !== 'skip') denied ??= result;
    }
  }
  if (denied !== undefined) throw new CgroupError(`not allowed to signal a member of ${group.dir}`, 'EPERM', group.dir, { cause: denied });
  return fresh;
}

function safeId(group: Cgroup): bigint | undefined {
  try {
    return group.id();
  } catch (error) {
    // Removed while walking: its members are found through the /proc path check instead.
    if (CgroupError.isInstance(error) && error.code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Signal one pid if it is still a member and not yet signalled. 'skip' when gone or done; an error for EPERM. */
function signalMember(groupPath: string | undefined, ids: Set<bigint | undefined>, pid: number, sig: number, done: Set<string>): 'sent' | 'skip' | unknown {
  const result = signalIfMember(pid, sig, (pidfd) => isMember(groupPath, ids, pidfd), done, startTimeOf);
  return result === 'no-pidfd' ? signalByPid(groupPath, pid, sig, done) : result;
}

/**
 * Whether the process behind `pidfd` is in `group` or below. Checked after the pidfd is open, so
 * the answer is about the process the pidfd holds, not about whoever owns the pid number later.
 */
function isMember(groupPath: string | undefined, ids: Set<bigint | undefined>, pidfd: Pidfd): boolean {
  try {
    const info = pidfd.info();
    if (info.cgroupId !== undefined && info.pid !== undefined) {
      if (ids.has(info.cgroupId)) return true;
      // Not in a cgroup we walked: maybe a child cgroup created since; fall through to the path check.
    }
  } catch (error) {
    if (!PidfdError.isInstance(error)) throw error;
    if (error.code === 'ESRCH') return false;
  }
  return inGroupByPath(groupPath, pidfd.pid);
}

function inGroupByPath(groupPath: string | undefined, pid: number): boolean {
  if (groupPath === undefined) return false;
  let path: string;
  try {
    path = cgroupPathOf(pid);
  } catch (error) {
    if (CgroupError.isInstance(error) && (error.code === 'ENOENT' || error.code === 'ESRCH')) return false;
    throw error;
  }
  return isWithin(path, groupPath);
}

/** Without pidfds (no koffi, kernel < 5.3): process.kill after a /proc check; best effort against recycling. */
function signalByPid(groupPath: string | undefined, pid: number, sig: number, done: Set<string>): 'sent' | 'skip' | unknown {
  const key = `${pid}@${startTimeOf(pid) ?? '?'}`;
  if (done.has(key) || !inGroupByPath(groupPath, pid)) return 'skip';
  try {
    process.kill(pid, sig);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return 'skip';
    if (code === 'EPERM') return error;
    throw error;
  }
  done.add(key);
  return 'sent';
}
