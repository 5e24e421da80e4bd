import { posix } from 'node:path';
import { BASE_NAME, cgroupDir, cgroupPathOfDir, findCgroup2Mount, findGroupBase, parseGroupDirName, type BaseResult } from '@pg/cgroup';
import { InvalidOptionError } from '../../errors/index.js';

/**
 * Where this process creates groups: below `PG_CGROUP_PARENT` when set (a cgroup directory or
 * cgroup path, e.g. a subtree delegated to this user), else below its own cgroup.
 */
export function groupBase(): BaseResult {
  const parent = process.env.PG_CGROUP_PARENT;
  if (parent !== undefined && parent !== '' && (!parent.startsWith('/') || parent.includes('\0'))) {
    throw new InvalidOptionError('PG_CGROUP_PARENT', parent, 'a cgroup directory or cgroup path starting with "/"');
  }
  return findGroupBase(parent === undefined || parent === '' ? {} : { parent });
}

/** The printable id of a group directory: its cgroup path as /proc/PID/cgroup shows it. */
export function idOfDir(dir: string): string {
  return cgroupPathOfDir(dir, findCgroup2Mount()) ?? dir;
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
