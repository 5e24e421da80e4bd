import { posix } from 'node:path';
import { BASE_NAME, SUPERVISOR_LEAF, cgroupDir, cgroupPathOf, cgroupPathOfDir, findCgroup2Mount, findGroupBase, parseGroupDirName, type BaseResult, type Cgroup2Mount } from '@pg/cgroup';
import { InvalidOptionError } from '../../errors/index.js';

/** The last base found, for the same own cgroup, `PG_CGROUP_PARENT` and delegated unit. */
let cached: { readonly key: string; readonly result: BaseResult } | undefined;
/** The cgroup path of the user manager's unit that hosts this process's spawner, when groups go there. */
let delegatedUnit: string | undefined;

/**
 * Groups go below `unit` (a delegated unit of the systemd user manager, whose spawner sits in its
 * `pg.supervisor` leaf and places every leader), or back below this process's cgroup (undefined).
 */
export function useDelegatedUnit(unit: string | undefined): void {
  delegatedUnit = unit;
}

/**
 * Where this process creates groups: below `PG_CGROUP_PARENT` when set (a cgroup directory or
 * cgroup path, e.g. a subtree delegated to this user), else below the user manager's unit that
 * hosts its spawner when there is one (`useDelegatedUnit`), else below its own cgroup.
 *
 * Finding it reads the mount table and checks access; a spawn needs it each time, so the answer
 * is kept while this process stays in the same cgroup (/proc/self/cgroup, read each time, is the
 * key) and `PG_CGROUP_PARENT` is unchanged. `forgetGroupBase()` drops it after a failure.
 */
export function groupBase(): BaseResult {
  return baseBelow(delegatedUnit);
}

/**
 * Where this process could create groups by itself (PG_CGROUP_PARENT, else its own cgroup),
 * whatever spawner unit is in use: the probe decides from this whether a user manager is needed.
 */
export function ownGroupBase(): BaseResult {
  return baseBelow(undefined);
}

/** The base below PG_CGROUP_PARENT, else `unit` (placed into from its `pg.supervisor` leaf), else the own cgroup. */
function baseBelow(unit: string | undefined): BaseResult {
  const parent = process.env.PG_CGROUP_PARENT;
  if (parent !== undefined && parent !== '' && (!parent.startsWith('/') || parent.includes('\0'))) {
    throw new InvalidOptionError('PG_CGROUP_PARENT', parent, 'a cgroup directory or cgroup path starting with "/"');
  }
  const options = parent !== undefined && parent !== '' ? { parent } : unit !== undefined ? { parent: unit, from: posix.join(unit, SUPERVISOR_LEAF) } : {};
  let own: string;
  try {
    own = cgroupPathOf('self');
  } catch {
    return findGroupBase(options); // no cgroup here at all: it says why
  }
  const key = `${own}\0${parent ?? ''}\0${unit ?? ''}`;
  if (cached?.key === key) return cached.result;
  const result = findGroupBase(options);
  cached = result.ok ? { key, result } : undefined;
  return result;
}

/** Find the base afresh next time (a group could not be created where the kept one says). */
export function forgetGroupBase(): void {
  cached = undefined;
}

/** The printable id of a group directory: its cgroup path as /proc/PID/cgroup shows it. */
export function idOfDir(dir: string, mount: Cgroup2Mount = findCgroup2Mount()): string {
  return cgroupPathOfDir(dir, mount) ?? dir;
}

/**
 * The directory of a group id: a cgroup path (`/pg/web@…`) or a directory on the cgroup2 mount.
 * Refuses anything with `..`, `.` or empty segments, so an id cannot name a path outside the mount.
 */
export function dirOfId(id: string): string {
  if (!id.startsWith('/') || id.includes('\0') || id.split('/').slice(1).some((s) => s === '..' || s === '.')) {
    throw new InvalidOptionError('id', id, 'a cgroup path such as "/pg/web@123.i456.0" (no "." or ".." segments)');
  }
  const mount = findCgroup2Mount();
  const normal = posix.normalize(id);
  if (normal === mount.mountPoint || normal.startsWith(`${mount.mountPoint}/`)) return normal;
  return cgroupDir(normal, mount);
}

/**
 * Whether pg created the group at `dir`, so closing it may remove the directory: its name carries
 * pg's owner marker and its parent is a `pg` base. Attaching to any other cgroup never removes it.
 */
export function madeByPg(dir: string): boolean {
  return parseGroupDirName(posix.basename(dir)) !== undefined && posix.basename(posix.dirname(dir)) === BASE_NAME;
}
