import { posix } from 'node:path';
import { SUPERVISOR_LEAF, type GroupBase } from './base.js';
import { CgroupError, fsCode } from './errors.js';
import { readCgroupFile, writeCgroupFile } from './files.js';
import { Cgroup } from './group.js';
import { cgroupPathOf, cgroupPathOfDir, cgroupV1Controllers } from './mount.js';

/** Limits for a whole group. */
export interface CgroupLimits {
  /** `pids.max`: most processes (and threads) the group may hold. */
  readonly pidsMax?: number;
  /** `memory.max` in bytes: above it the kernel reclaims, then OOM-kills inside the group. */
  readonly memoryMax?: number;
}

function check(value: unknown, option: string): number {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return value;
  throw new TypeError(`Invalid option \`${option}\`: got ${String(value)}, expected a positive integer.`);
}

/**
 * Apply `limits` to `group` (a child of `base.dir`). Each limit needs its controller enabled in
 * `cgroup.subtree_control` of every cgroup from `base.parentDir` down to `base.dir`; this enables
 * it where the parent offers it (its `cgroup.controllers`).
 *
 * "No internal processes": a non-root cgroup that enables a domain controller for its children
 * cannot hold processes itself. When the parent is this supervisor's own cgroup, the supervisor
 * first moves itself into a leaf `<parent>/pg.supervisor` (systemd does the same for delegated
 * units); other processes in the parent make that impossible, and the error says so.
 *
 * @throws CgroupError `'ECONTROLLER'` naming the missing controller and why (not offered by the
 * parent, e.g. bound to a cgroup v1 hierarchy on a hybrid host), TypeError for bad values.
 */
export function applyLimits(base: GroupBase, group: Cgroup, limits: CgroupLimits): void {
  const wanted: Array<[controller: string, file: string, value: number]> = [];
  if (limits.pidsMax !== undefined) wanted.push(['pids', 'pids.max', check(limits.pidsMax, 'limits.pidsMax')]);
  if (limits.memoryMax !== undefined) wanted.push(['memory', 'memory.max', check(limits.memoryMax, 'limits.memoryMax')]);
  for (const [controller, file, value] of wanted) {
    enableController(base, controller);
    writeCgroupFile(group.file(file), String(value));
  }
}

/**
 * The controllers cgroup `dir` can offer its children (`cgroup.controllers`, cgroup-v2.rst
 * "Enabling and Disabling"): a limit on a group below `dir` needs its controller listed here.
 * @throws CgroupError when `dir` is not a readable cgroup.
 */
export function availableControllers(dir: string): string[] {
  return words(readCgroupFile(posix.join(dir, 'cgroup.controllers')));
}

/** Make `controller` available to the groups in `base` (see `applyLimits`). */
export function enableController(base: GroupBase, controller: string): void {
  if (!/^[a-z_]+$/.test(controller)) throw new TypeError(`Invalid option \`controller\`: got ${controller}, expected a controller name such as 'pids'.`);
  const offered = availableControllers(base.parentDir);
  if (!offered.includes(controller)) {
    throw new CgroupError(
      `cannot limit with the '${controller}' controller: ${base.parentDir} does not offer it (its cgroup.controllers lists: ${offered.join(' ') || 'nothing'})${v1Hint(controller)}`,
      'ECONTROLLER',
      base.parentDir,
    );
  }
  enableIn(base, base.parentDir, controller, true);
  enableIn(base, base.dir, controller, false);
}

function enableIn(base: GroupBase, dir: string, controller: string, mayMoveSelf: boolean): void {
  const control = posix.join(dir, 'cgroup.subtree_control');
  if (words(readCgroupFile(control)).includes(controller)) return;
  try {
    writeCgroupFile(control, `+${controller}`);
    return;
  } catch (error) {
    // EBUSY: the cgroup holds processes ("no internal processes").
    if (!(CgroupError.isInstance(error) && error.code === 'EBUSY' && mayMoveSelf)) throw controllerError(controller, dir, error);
  }
  moveSelfToLeaf(base);
  try {
    writeCgroupFile(control, `+${controller}`);
  } catch (error) {
    throw controllerError(controller, dir, error);
  }
}

/** Move this process into `<parent>/pg.supervisor` when it lives in the parent itself. */
function moveSelfToLeaf(base: GroupBase): void {
  const own = cgroupPathOf('self');
  if (cgroupPathOfDir(base.parentDir, base.mount) !== own) return;
  const leaf = posix.join(base.parentDir, SUPERVISOR_LEAF);
  try {
    Cgroup.create(base.parentDir, SUPERVISOR_LEAF);
  } catch (error) {
    if (!(CgroupError.isInstance(error) && error.code === 'EEXIST')) throw error;
  }
  new Cgroup(leaf).adopt(0);
}

function controllerError(controller: string, dir: string, cause: unknown): CgroupError {
  const code = CgroupError.isInstance(cause) ? cause.code : fsCode(cause);
  const why = code === 'EBUSY'
    ? `${dir} still holds processes other than this supervisor, and a cgroup that enables controllers for its children may hold none ("no internal processes")`
    : `writing +${controller} to ${dir}/cgroup.subtree_control failed: ${code}`;
  return new CgroupError(`cannot enable the '${controller}' controller: ${why}`, 'ECONTROLLER', dir, { cause });
}

/** On hybrid hosts a controller bound to a v1 hierarchy is not available to v2: say so. */
function v1Hint(controller: string): string {
  let onV1: boolean;
  try {
    onV1 = cgroupV1Controllers().includes(controller);
  } catch (error) {
    if (CgroupError.isInstance(error)) return ''; // only a hint: the error it decorates stands alone
    throw error;
  }
  return onV1 ? `; on this host '${controller}' is bound to a cgroup v1 hierarchy, so cgroup v2 cannot use it` : '';
}

function words(text: string): string[] {
  return text.split(/\s+/).filter(Boolean);
}
