import { PidfdError, pidfdOpen, signalNumber, type Pidfd } from '@pg/pidfd';
import { CgroupError } from './errors.js';
import type { Cgroup } from './group.js';
import { cgroupPathOf, cgroupPathOfDir, findCgroup2Mount, isWithin } from './mount.js';
import { startTimeOf } from './owner.js';

/** Options of `signalGroup`. */
export interface SignalOptions {
  /**
   * Freeze the cgroup during the passes, so no member can fork a new one between the read of
   * cgroup.procs and the signal (default true where `cgroup.freeze` exists). Thawed on every path,
   * errors included, unless it was frozen before the call.
   */
  freeze?: boolean;
  /** Give up after this many passes that each found new members (default 100). */
  maxPasses?: number;
  /** How long to wait for `frozen 1` before signalling anyway (default 1000 ms). */
  freezeTimeoutMs?: number;
}

/**
 * Send `signal` to every process in `group` and below. SIGKILL is one write to `cgroup.kill`
 * (atomic, recursive). Any other signal has no kernel primitive: like systemd, read cgroup.procs
 * and signal each pid until a pass finds no process it has not signalled yet, optionally frozen.
 *
 * Each pid is opened as a pidfd first and checked to be in the group *after* opening (its
 * cgroup id from PIDFD_GET_INFO, else /proc/PID/cgroup); the signal then goes through the pidfd,
 * so a pid recycled by an unrelated process between the read and the signal is never hit.
 * Note: a frozen task whose default action for the signal is fatal dies at once; a task with a
 * handler runs it only after thaw (reference/linux.md).
 *
 * @returns how many processes were signalled.
 * @throws CgroupError `'EPERM'` when a member may not be signalled, `'ELOOP'` when members keep
 * forking through `maxPasses` passes.
 */
export async function signalGroup(group: Cgroup, signal: NodeJS.Signals | number, options: SignalOptions = {}): Promise<number> {
  const sig = signalNumber(signal);
  if (sig === 9) {
    const before = group.members().length;
    group.kill();
    return before;
  }
  const canFreeze = group.freezeRequested();
  const freeze = (options.freeze ?? true) && canFreeze === false;
  if (freeze) {
    try {
      // A task in uninterruptible sleep can delay `frozen 1` indefinitely: after a bound, signal
      // anyway (the passes stay correct; only forks during delivery are no longer held off).
      await group.freeze({ signal: AbortSignal.timeout(options.freezeTimeoutMs ?? 1000) });
    } catch (error) {
      if (!(error instanceof Error && error.name === 'TimeoutError')) {
        group.thaw();
        throw error;
      }
    }
  }
  try {
    return signalPasses(group, sig, options.maxPasses ?? 100);
  } finally {
    if (freeze) group.thaw();
  }
}

function signalPasses(group: Cgroup, sig: number, maxPasses: number): number {
  const done = new Set<string>();
  // The group's cgroup path as /proc/PID/cgroup shows it, for the fallback membership check.
  const groupPath = cgroupPathOfDir(group.dir, findCgroup2Mount());
  let denied: unknown;
  for (let pass = 0; pass < maxPasses; pass++) {
    const all = group.descendants();
    const ids = new Set(all.map((g) => safeId(g)));
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
        const result = signalMember(groupPath, ids, pid, sig, done);
        if (result === 'sent') fresh++;
        else if (result !== 'skip') denied ??= result;
      }
    }
    if (denied !== undefined) throw new CgroupError(`not allowed to signal a member of ${group.dir}`, 'EPERM', group.dir, { cause: denied });
    if (fresh === 0) return done.size;
  }
  throw new CgroupError(`${group.dir} kept forking new members through ${maxPasses} signal passes`, 'ELOOP', group.dir);
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
  let pidfd: Pidfd;
  try {
    pidfd = pidfdOpen(pid);
  } catch (error) {
    if (PidfdError.isInstance(error) && error.code === 'ESRCH') return 'skip';
    if (PidfdError.isInstance(error) && (error.code === 'EFFI' || error.code === 'ENOSYS' || error.code === 'EUNSUPPORTED')) {
      return signalByPid(groupPath, pid, sig, done);
    }
    throw error;
  }
  try {
    if (!isMember(groupPath, ids, pidfd)) return 'skip';
    // The identity of a process for "already signalled": its pidfd id, else pid plus start time.
    const key = identity(pidfd);
    if (done.has(key)) return 'skip';
    try {
      pidfd.sendSignal(sig);
    } catch (error) {
      if (PidfdError.isInstance(error) && error.code === 'ESRCH') return 'skip';
      if (PidfdError.isInstance(error) && error.code === 'EPERM') return error;
      throw error;
    }
    done.add(key);
    return 'sent';
  } finally {
    pidfd.close();
  }
}

function identity(pidfd: Pidfd): string {
  try {
    return `i${pidfd.id()}`;
  } catch (error) {
    if (!PidfdError.isInstance(error)) throw error;
    return `${pidfd.pid}@${startTimeOf(pidfd.pid) ?? '?'}`;
  }
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
