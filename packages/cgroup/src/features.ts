import { statSync } from 'node:fs';
import { posix } from 'node:path';
import { BASE_NAME } from './base.js';
import { CgroupError, fsError } from './errors.js';
import { cgroupDir, cgroupPathOf, findCgroup2Mount, findCgroup2MountOfDir, type Cgroup2Mount } from './mount.js';

/**
 * Which directory `cgroupFeatures` looked in: the one it was given, this process's own cgroup,
 * or pg's group base below it (`<own>/pg`, looked at when the own cgroup is the root cgroup).
 */
export type CheckedCgroup = 'given' | 'own' | 'base';

/** What the running kernel offers pg's cgroup backend, read from its files, never from a version number. */
export interface CgroupFeatures {
  /** The cgroup v2 mount the directory lies on, with its super options. */
  readonly mount: Cgroup2Mount;
  /** The cgroup directory whose interface files answered `kill`, `freeze` and `events`. */
  readonly dir: string;
  /** Why that directory (see `CheckedCgroup`). */
  readonly checked: CheckedCgroup;
  /**
   * Whether `dir` is the root cgroup (it has no `cgroup.type`, which every other cgroup has,
   * cgroup-v2.rst "Core Interface Files"). The root has none of the files below, so then they
   * read undefined: this kernel may well have them, but there was no non-root cgroup to look in.
   */
  readonly root: boolean;
  /** `cgroup.kill` (Linux 5.14): one write SIGKILLs the cgroup and everything below it, atomically against forks. */
  readonly kill: boolean | undefined;
  /** `cgroup.freeze` (Linux 5.2): stops every task of the cgroup and below; a frozen task cannot fork. */
  readonly freeze: boolean | undefined;
  /** `cgroup.events`: `populated` (and `frozen` since 5.2), with a file-modified notification on change. */
  readonly events: boolean | undefined;
  /**
   * The mount option `favordynmods` (Linux 6.0): moving a process between cgroups then costs no
   * RCU grace period, so placing a leader is fast even after a quiet spell.
   */
  readonly favordynmods: boolean;
  /** The mount option `nsdelegate`: cgroup namespaces are delegation boundaries. */
  readonly nsdelegate: boolean;
}

/**
 * The one check of the cgroup v2 interface files pg relies on. With `dir`, that directory is
 * looked at. Without it, this process's own cgroup; when that is the root cgroup (which never has
 * `cgroup.kill`, `cgroup.freeze` or `cgroup.events`), pg's group base below it if it exists (it
 * does while groups exist). The answer says which directory it checked. Only reads; Linux only.
 * @throws CgroupError `'ENOCGROUP2'` without a cgroup v2 mount (or on a v1-only host), `'ENOENT'`
 * when `dir` is not a cgroup directory on a cgroup2 mount.
 */
export function cgroupFeatures(dir?: string): CgroupFeatures {
  if (dir !== undefined) {
    if (typeof dir !== 'string' || !posix.isAbsolute(dir) || dir.includes('\0')) {
      const shown = typeof dir === 'string' ? JSON.stringify(dir) : String(dir);
      throw new TypeError(`Invalid option \`dir\`: got ${shown}, expected an absolute cgroup directory path.`);
    }
    const normal = posix.normalize(dir);
    const mount = findCgroup2MountOfDir(normal);
    if (!exists(posix.join(normal, 'cgroup.procs'))) throw new CgroupError(`${normal} is not a cgroup directory (no cgroup.procs)`, 'ENOENT', normal);
    return inspect(mount, normal, 'given');
  }
  const ownPath = cgroupPathOf('self');
  const mount = findCgroup2Mount(ownPath);
  const own = cgroupDir(ownPath, mount);
  const mine = inspect(mount, own, 'own');
  if (!mine.root) return mine;
  const base = posix.join(own, BASE_NAME);
  return exists(posix.join(base, 'cgroup.procs')) ? inspect(mount, base, 'base') : mine;
}

function inspect(mount: Cgroup2Mount, dir: string, checked: CheckedCgroup): CgroupFeatures {
  const root = !exists(posix.join(dir, 'cgroup.type'));
  const has = (file: string) => (root ? undefined : exists(posix.join(dir, file)));
  return {
    mount,
    dir,
    checked,
    root,
    kill: has('cgroup.kill'),
    freeze: has('cgroup.freeze'),
    events: has('cgroup.events'),
    favordynmods: mount.options.includes('favordynmods'),
    nsdelegate: mount.options.includes('nsdelegate'),
  };
}

/** Whether `path` exists. A stat, not a read: `cgroup.kill` is write-only (mode 0200). */
function exists(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false }) !== undefined;
  } catch (error) {
    throw fsError('stat of', path, error);
  }
}
