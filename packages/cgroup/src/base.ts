import { accessSync, constants, existsSync, mkdirSync, rmdirSync } from 'node:fs';
import { posix } from 'node:path';
import { CgroupError, fsCode, fsError } from './errors.js';
import { cgroupDir, cgroupPathOf, cgroupPathOfDir, findCgroup2Mount, isWithin, type Cgroup2Mount } from './mount.js';

/** Name of the directory that holds every pg group below the chosen parent. */
export const BASE_NAME = 'pg';
/** Leaf the supervisor moves itself into when controllers must be enabled in its own cgroup. */
export const SUPERVISOR_LEAF = 'pg.supervisor';

/** Where pg creates groups: `<parent>/pg/<group>`. */
export interface GroupBase {
  readonly mount: Cgroup2Mount;
  /** The cgroup directory pg writes below: the own cgroup, or the one the caller named. */
  readonly parentDir: string;
  /** `<parentDir>/pg`, created on demand and removed when the last group goes. */
  readonly dir: string;
}

/** The answer of `findGroupBase`: a base, or the reason there is none (never throws for "not allowed"). */
export type BaseResult =
  | { readonly ok: true; readonly base: GroupBase; readonly reason: string }
  | { readonly ok: false; readonly code: string; readonly reason: string };

/**
 * Decide where this process may create groups, following the kernel's delegation rules
 * (cgroup-v2.rst "Delegation"; systemd's "Delegation" doc):
 * - the parent is `options.parent` (a directory on the cgroup2 mount, or a cgroup path like
 *   `/user.slice/x`), else this process's own cgroup (its parent when the supervisor already moved
 *   itself into the `pg.supervisor` leaf);
 * - creating a child needs write access to the parent directory;
 * - moving a process (the child placing itself) needs write access to `cgroup.procs` of the
 *   common ancestor of where the process is and where it goes. Root passes; an unprivileged
 *   process passes only inside a subtree delegated to it (directory, `cgroup.procs`,
 *   `cgroup.threads`, `cgroup.subtree_control` chowned to it), never in a login session scope.
 * `options.from` is the cgroup path of the process that places leaders when it is not this one
 * (a spawner in a delegated unit of the systemd user manager): the move rule is checked from there.
 * Nothing is created here: this only reads and checks access.
 */
export function findGroupBase(options: { parent?: string; from?: string } = {}): BaseResult {
  let mount: Cgroup2Mount;
  let ownPath: string;
  try {
    ownPath = options.from ?? cgroupPathOf('self');
    mount = findCgroup2Mount(ownPath);
  } catch (error) {
    if (CgroupError.isInstance(error)) return { ok: false, code: error.code, reason: error.message };
    throw error;
  }
  if (ownPath.endsWith(`/${SUPERVISOR_LEAF}`)) ownPath = posix.dirname(ownPath);
  let parentPath: string;
  if (options.parent === undefined) {
    parentPath = ownPath;
  } else {
    if (typeof options.parent !== 'string' || !options.parent.startsWith('/') || options.parent.includes('\0')) {
      throw new TypeError(`Invalid option \`parent\`: got ${String(options.parent)}, expected a cgroup directory or cgroup path starting with '/'.`);
    }
    const normal = posix.normalize(options.parent);
    parentPath = cgroupPathOfDir(normal, mount) ?? normal;
  }
  let parentDir: string;
  try {
    parentDir = cgroupDir(parentPath, mount);
  } catch (error) {
    if (CgroupError.isInstance(error)) return { ok: false, code: error.code, reason: error.message };
    throw error;
  }
  if (!existsSync(posix.join(parentDir, 'cgroup.procs'))) {
    return { ok: false, code: 'ENOENT', reason: `${parentDir} is not a cgroup v2 directory` };
  }
  const denied = (path: string, mode: number) => {
    try {
      accessSync(path, mode);
      return undefined;
    } catch (error) {
      return fsCode(error) ?? 'EACCES';
    }
  };
  const mkdirDenied = denied(parentDir, constants.W_OK | constants.X_OK);
  if (mkdirDenied !== undefined) {
    return { ok: false, code: 'ENOTWRITABLE', reason: `may not create cgroups in ${parentDir} (${mkdirDenied}): it is neither owned by this user nor a subtree delegated to it` };
  }
  const ancestor = commonAncestor(ownPath, parentPath);
  const procs = posix.join(cgroupDir(ancestor, mount), 'cgroup.procs');
  const moveDenied = denied(procs, constants.W_OK);
  if (moveDenied !== undefined) {
    return { ok: false, code: 'ENOTWRITABLE', reason: `may not move processes below ${ancestor} (${procs}: ${moveDenied}), the common ancestor of this process's cgroup and ${parentPath}` };
  }
  const dir = posix.join(parentDir, BASE_NAME);
  const baseDenied = !existsSync(posix.join(dir, 'cgroup.procs')) ? undefined : denied(dir, constants.W_OK | constants.X_OK);
  if (baseDenied !== undefined) return { ok: false, code: 'ENOTWRITABLE', reason: `${dir} exists and is not writable by this user (${baseDenied})` };
  return { ok: true, base: { mount, parentDir, dir }, reason: `groups are created in ${dir} (cgroup v2 at ${mount.mountPoint})` };
}

/** The deepest cgroup path that contains both `a` and `b`. */
export function commonAncestor(a: string, b: string): string {
  const as = a.split('/').filter(Boolean);
  const bs = b.split('/').filter(Boolean);
  const common: string[] = [];
  for (let i = 0; i < as.length && as[i] === bs[i]; i++) common.push(as[i] as string);
  return `/${common.join('/')}`;
}

/** Create the base directory if missing. */
export function ensureBaseDir(base: GroupBase): void {
  try {
    mkdirSync(base.dir);
  } catch (error) {
    if (fsCode(error) !== 'EEXIST') throw fsError('creating cgroup', base.dir, error);
  }
}

/**
 * Remove the base directory when no group is left in it, so pg leaves nothing behind. Another
 * supervisor may be about to create a group in it: `createGroup` re-creates the base on ENOENT.
 */
export function removeBaseIfEmpty(base: GroupBase): void {
  try {
    rmdirSync(base.dir);
  } catch (error) {
    const code = fsCode(error);
    if (code === 'EBUSY' || code === 'ENOTEMPTY' || code === 'ENOENT' || code === 'EACCES' || code === 'EPERM') return;
    throw fsError('removing cgroup', base.dir, error);
  }
}

/** Whether cgroup path `path` lies inside `base`'s directory tree. */
export function inBase(base: GroupBase, dir: string): boolean {
  return isWithin(posix.normalize(dir), base.dir) && posix.normalize(dir) !== base.dir;
}
