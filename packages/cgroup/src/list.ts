import { readdirSync } from 'node:fs';
import { posix } from 'node:path';
import type { GroupBase } from './base.js';
import { fsCode, fsError } from './errors.js';
import { Cgroup } from './group.js';
import { cgroupPathOfDir } from './mount.js';
import { parseGroupDirName, type Owner } from './names.js';

/** A group found in a base by `listGroups`. */
export interface ListedGroup {
  readonly group: Cgroup;
  /** Its cgroup path as /proc/PID/cgroup shows it. */
  readonly cgroupPath: string;
  readonly name: string;
  /** The creating process (whether it still runs: `@pg/procfs` `isAlive`). */
  readonly owner: Owner;
}

/**
 * Every group pg created in `base` (directories whose names carry the owner marker; anything
 * else there is ignored), each with its creator. Orphans stay until someone
 * opens them and kills/removes them: the kernel keeps a cgroup while it has processes or until rmdir.
 */
export function listGroups(base: GroupBase): ListedGroup[] {
  let names: string[];
  try {
    names = readdirSync(base.dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (error) {
    if (fsCode(error) === 'ENOENT') return [];
    throw fsError('listing', base.dir, error);
  }
  const out: ListedGroup[] = [];
  for (const dirName of names.sort()) {
    const parsed = parseGroupDirName(dirName);
    if (parsed === undefined) continue;
    const dir = posix.join(base.dir, dirName);
    out.push({
      group: new Cgroup(dir),
      cgroupPath: cgroupPathOfDir(dir, base.mount) ?? dir,
      name: parsed.name,
      owner: parsed.owner,
    });
  }
  return out;
}
