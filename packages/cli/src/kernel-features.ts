import { availableControllers, cgroupDir, cgroupFeatures, cgroupPathOf, CgroupError, createGroup, findGroupBase, removeBaseIfEmpty, type CgroupFeatures, type CheckedCgroup } from '@pg/cgroup';
import { findHelper, findUserManager } from '@pg/helper';
import { isChildSubreaper, ownPidfdId, PidfdError, pidfdIdLookup, pidfdSelf } from '@pg/pidfd';
import { identityOf } from '@pg/procfs';

/** One kernel feature pg can use, found or not, and the evidence. */
export interface KernelFeature {
  readonly feature: string;
  readonly found: boolean;
  readonly detail: string;
}

/**
 * What `pg doctor` checks, read from the running kernel (never inferred from a version). The
 * cgroup part asks `@pg/cgroup`, the same functions the cgroup backend decides with.
 */
export function kernelFeatures(options: { cgroupProbe?: { available: boolean; reason: string } } = {}): KernelFeature[] {
  if (process.platform !== 'linux') return [{ feature: 'linux', found: false, detail: `not Linux (${process.platform})` }];
  return [pidfd(), pidfdId(), subreaper(), helper(), ...cgroup(options.cgroupProbe)];
}

/** pg-helper (`@pg/helper`): prebuilt in a platform package, built from source, or named by PG_HELPER; else why not. */
function helper(): KernelFeature {
  const found = findHelper();
  return found.ok
    ? { feature: 'pg-helper', found: true, detail: `${found.path} (reaper backend, cgroup clone3 placement, groups that die with their owner)` }
    : { feature: 'pg-helper', found: false, detail: found.reason };
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
  return PidfdError.isInstance(error) || CgroupError.isInstance(error) ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
}

const where: Record<CheckedCgroup, string> = { given: 'a fresh group pg made to look', own: "this process's cgroup", base: "pg's group base" };

function cgroup(probed: { available: boolean; reason: string } | undefined): KernelFeature[] {
  let features: CgroupFeatures;
  let own: string;
  try {
    own = cgroupPathOf('self');
    features = cgroupFeatures();
  } catch (error) {
    if (!CgroupError.isInstance(error)) throw error;
    // Without a cgroup2 mount there is nothing more to say; any other failure is about this process's cgroup.
    return [{ feature: 'cgroup v2', found: error.code !== 'ENOCGROUP2', detail: reason(error) }];
  }
  const { mount } = features;
  const shown = mount.root === '/' ? '' : ` (a mount of the subtree ${mount.root})`;
  return [
    { feature: 'cgroup v2', found: true, detail: `mounted at ${mount.mountPoint}${shown}; this process is in ${own}` },
    killFeature(features.kill === undefined ? (inTrialGroup() ?? features) : features, probed),
    favordynmods(features),
    controllers(cgroupDir(own, mount), own),
    ...delegation(own),
  ];
}

/**
 * The root cgroup never has `cgroup.kill`: where this process sits in it, look in a fresh group
 * below pg's base instead, as the cgroup backend's probe does (undefined when none can be made).
 */
function inTrialGroup(): CgroupFeatures | undefined {
  const found = findGroupBase();
  if (!found.ok) return undefined;
  let trial;
  try {
    const me = identityOf(process.pid, pidfdIdLookup);
    if (me === undefined) return undefined;
    trial = createGroup(found.base, 'doctor', me);
  } catch (error) {
    if (CgroupError.isInstance(error)) return undefined;
    throw error;
  }
  try {
    return cgroupFeatures(trial.dir);
  } finally {
    trial.removeNow();
    removeBaseIfEmpty(found.base);
  }
}

function killFeature(f: CgroupFeatures, probed: { available: boolean; reason: string } | undefined): KernelFeature {
  const at = `${f.dir}, ${where[f.checked]}`;
  if (f.kill === undefined && probed?.available === true) {
    // Not here, but the cgroup backend's probe makes a group where it creates them (a unit of the
    // user's systemd manager, say) and is available only where that group has cgroup.kill.
    return { feature: 'cgroup.kill', found: true, detail: `atomic group SIGKILL (Linux 5.14+), found by the cgroup backend's probe in a group it made where groups go (see backends); ${at}, is the root cgroup, which never has it` };
  }
  if (f.kill === undefined) {
    // The root cgroup has no cgroup.kill on any kernel: without a non-root cgroup of ours, say so
    // rather than guess from the kernel version.
    return { feature: 'cgroup.kill', found: false, detail: `cannot tell: ${at}, is the root cgroup, which never has cgroup.kill, and pg's group base below it does not exist now (it does while groups exist)` };
  }
  return {
    feature: 'cgroup.kill',
    found: f.kill,
    detail: f.kill ? `atomic group SIGKILL (Linux 5.14+), found in ${at}` : `missing in ${at} (Linux < 5.14): kill() signals pid by pid`,
  };
}

// Moving a process into a cgroup waits for an RCU grace period unless favordynmods (Linux 6.0)
// keeps the lock in its slow-reader mode; pg places every leader that way.
function favordynmods(f: CgroupFeatures): KernelFeature {
  return {
    feature: 'favordynmods',
    found: f.favordynmods,
    detail: f.favordynmods
      ? 'cgroup moves are fast (placing a leader costs no RCU grace period)'
      : `not set: a spawn after a quiet spell may wait ~10 ms to place its leader; \`mount -o remount,favordynmods ${f.mount.mountPoint}\` (Linux 6.0+, root) removes the wait`,
  };
}

function controllers(dir: string, own: string): KernelFeature {
  let offered: string[];
  try {
    offered = availableControllers(dir);
  } catch (error) {
    if (!CgroupError.isInstance(error)) throw error;
    return { feature: 'controllers', found: false, detail: reason(error) };
  }
  const missing = ['pids', 'memory'].filter((c) => !offered.includes(c)).map((c) => ` (no ${c}: --limit-${c} unavailable)`).join('');
  return { feature: 'controllers', found: offered.length > 0, detail: offered.length === 0 ? `none available in ${own}` : `${offered.join(' ')}${missing}` };
}

/**
 * The delegation rules as the cgroup backend applies them (`findGroupBase`), for this process's
 * own cgroup; where it is not usable, whether the user's systemd manager can host the groups
 * instead (the cgroup backend's line above names the unit it started).
 */
function delegation(own: string): KernelFeature[] {
  const base = findGroupBase();
  if (base.ok) return [{ feature: 'delegation', found: true, detail: `${own} is writable by this user (root, or a delegated subtree)` }];
  const manager = findUserManager();
  return [
    { feature: 'delegation', found: false, detail: `${own} is not usable by this user: ${base.reason}` },
    {
      feature: 'user manager',
      found: manager.ok,
      detail: manager.ok ? `${manager.reason}: the cgroup backend starts its spawner in a delegated unit there, and groups are cgroups of that unit` : `${manager.reason}: the cgroup backend is unavailable to this user, and auto picks reaper`,
    },
  ];
}
