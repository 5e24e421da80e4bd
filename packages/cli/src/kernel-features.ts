import { accessSync, constants, existsSync, readdirSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import { isChildSubreaper, ownPidfdId, PidfdError, pidfdSelf } from '@pg/pidfd';

/** One kernel feature pg can use, found or not, and the evidence. */
export interface KernelFeature {
  readonly feature: string;
  readonly found: boolean;
  readonly detail: string;
}

/** What `pg doctor` checks, read from the running kernel (never inferred from a version). */
export function kernelFeatures(): KernelFeature[] {
  if (process.platform !== 'linux') return [{ feature: 'linux', found: false, detail: `not Linux (${process.platform})` }];
  const cgroup = cgroupFeatures();
  return [pidfd(), pidfdId(), subreaper(), ...cgroup];
}

function pidfd(): KernelFeature {
  try {
    pidfdSelf().close();
    return { feature: 'pidfd', found: true, detail: 'pidfd_open works (Linux 5.3+)' };
  } catch (error) {
    return { feature: 'pidfd', found: false, detail: reason(error) };
  }
}

function pidfdId(): KernelFeature {
  try {
    return { feature: 'pidfs', found: true, detail: `pidfd ids available (pidfs, Linux 6.9+); this process is ${ownPidfdId()}` };
  } catch (error) {
    return { feature: 'pidfs', found: false, detail: reason(error) };
  }
}

function subreaper(): KernelFeature {
  try {
    isChildSubreaper();
    return { feature: 'child subreaper', found: true, detail: 'prctl(PR_SET_CHILD_SUBREAPER) is available (pg init)' };
  } catch (error) {
    return { feature: 'child subreaper', found: false, detail: reason(error) };
  }
}

function reason(error: unknown): string {
  return PidfdError.isInstance(error) ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
}

/** The cgroup v2 mount point and its super options (`nsdelegate`, `favordynmods`, …). */
function cgroup2MountInfo(): { mountPoint: string; options: string[] } | undefined {
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    // proc(5): fields up to " - ", then fstype, source, super options; field 5 is the mount point.
    const [before, after] = line.split(' - ');
    const [fstype, , options] = after?.split(' ') ?? [];
    const mountPoint = before?.split(' ')[4]?.replace(/\\040/g, ' ');
    if (fstype === 'cgroup2' && mountPoint !== undefined) return { mountPoint, options: options?.split(',') ?? [] };
  }
  return undefined;
}

/** Whether this kernel is at least `major.minor` (from `os.release()`). */
function kernelAtLeast(major: number, minor: number): boolean {
  const [a = 0, b = 0] = release().split('.').map((n) => Number.parseInt(n, 10));
  return a > major || (a === major && b >= minor);
}

function cgroupFeatures(): KernelFeature[] {
  const info = cgroup2MountInfo();
  const mount = info?.mountPoint;
  if (info === undefined || mount === undefined) return [{ feature: 'cgroup v2', found: false, detail: 'no cgroup2 file system in /proc/self/mountinfo' }];
  const own = readFileSync('/proc/self/cgroup', 'utf8').split('\n').find((l) => l.startsWith('0::'))?.slice(3) ?? '/';
  const dir = join(mount, own);
  const features: KernelFeature[] = [{ feature: 'cgroup v2', found: true, detail: `mounted at ${mount}; this process is in ${own}` }];
  // cgroup.kill (5.14) exists in every non-root cgroup, never in the root: look where one is.
  const sample = own === '/' ? firstChild(mount) : dir;
  // With no child cgroup to look in, the kernel version answers (cgroup.kill: Linux 5.14).
  const hasKill = sample !== undefined ? existsSync(join(sample, 'cgroup.kill')) : kernelAtLeast(5, 14);
  features.push({
    feature: 'cgroup.kill',
    found: hasKill,
    detail: hasKill ? 'atomic group SIGKILL (Linux 5.14+)' : 'missing (Linux < 5.14): kill() signals pid by pid',
  });
  // Moving a process into a cgroup waits for an RCU grace period unless favordynmods (Linux 6.0)
  // keeps the lock in its slow-reader mode; pg places every leader that way.
  const favored = info.options.includes('favordynmods');
  features.push({
    feature: 'favordynmods',
    found: favored,
    detail: favored
      ? 'cgroup moves are fast (placing a leader costs no RCU grace period)'
      : `not set: a spawn after a quiet spell may wait ~10 ms to place its leader; \`mount -o remount,favordynmods ${mount}\` (Linux 6.0+, root) removes the wait`,
  });
  const controllers = readFileSync(join(dir, 'cgroup.controllers'), 'utf8').trim();
  features.push({
    feature: 'controllers',
    found: controllers !== '',
    detail: controllers === '' ? `none available in ${own}` : `${controllers}${['pids', 'memory'].filter((c) => !controllers.split(' ').includes(c)).map((c) => ` (no ${c}: --limit-${c} unavailable)`).join('')}`,
  });
  const writable = canWrite(join(dir, 'cgroup.procs')) && canWrite(dir);
  features.push({
    feature: 'delegation',
    found: writable,
    detail: writable ? `${own} is writable by this user (root, or a delegated subtree)` : `${own} is not writable by this user: not delegated`,
  });
  return features;
}

function firstChild(mount: string): string | undefined {
  const entry = readdirSync(mount, { withFileTypes: true }).find((e) => e.isDirectory());
  return entry === undefined ? undefined : join(mount, entry.name);
}

function canWrite(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
