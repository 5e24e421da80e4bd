/**
 * `@pg/cgroup`: cgroup v2 through its files. Linux only. Finds the mount from
 * /proc/self/mountinfo (never a hard-coded path), decides where groups may be created following
 * the kernel's delegation rules, creates validated groups, places children before their first
 * instruction, lists members, kills (`cgroup.kill`), freezes, signals every member, watches
 * `cgroup.events`, removes, and reads limits and stats; `cgroupFeatures` says which interface
 * files this kernel has. Uses `@pg/pidfd` (koffi, loaded lazily) only to signal through pidfds
 * and to mark owners by pidfd id, and `@pg/procfs` for process start times.
 */
export { CgroupError } from './errors.js';
export { findCgroup2Mount, cgroupPathOf, cgroupDir, cgroupPathOfDir, ownCgroupDir, isWithin, parseCgroup2Mounts, parseCgroupPath, type Cgroup2Mount } from './mount.js';
export { validateGroupName, formatGroupDirName, parseGroupDirName, MAX_NAME_LENGTH, type Owner, type GroupDirName } from './names.js';
export { findGroupBase, ensureBaseDir, removeBaseIfEmpty, commonAncestor, inBase, BASE_NAME, SUPERVISOR_LEAF, type GroupBase, type BaseResult } from './base.js';
export { Cgroup } from './group.js';
export { createGroup } from './create.js';
export { listGroups, type ListedGroup } from './list.js';
export { readEvents, waitForEvents, type CgroupEvents, type WaitOptions, type EventWait } from './events.js';
export { signalPass } from './signal.js';
export { preExecArgs, withSelfIn, PRE_EXEC_SHELL, PRE_EXEC_SCRIPT } from './placement.js';
export { applyLimits, availableControllers, enableController, type CgroupLimits } from './limits.js';
export { cgroupFeatures, type CgroupFeatures, type CheckedCgroup } from './features.js';
export { readCgroupStat, readCpuStat, readMemoryCurrent, readPidsCurrent } from './stats.js';
