import { ensureBaseDir, type GroupBase } from './base.js';
import { CgroupError } from './errors.js';
import { Cgroup } from './group.js';
import { formatGroupDirName, validateGroupName, type Owner } from './names.js';

let seq = 0;

/**
 * Create a new, empty group `<base>/pg/NAME@PID.TOKEN.SEQ` owned by `owner` (the creating
 * process's identity from `@pg/procfs`; see names.ts for the marker). `name` is validated
 * (TypeError for `../x`, `/`, NUL, control characters, over-long).
 * @throws CgroupError `'EACCES'` and friends from mkdir.
 */
export function createGroup(base: GroupBase, name: string, owner: Owner): Cgroup {
  validateGroupName(name);
  for (let attempt = 0; attempt < 100; attempt++) {
    ensureBaseDir(base);
    try {
      return Cgroup.create(base.dir, formatGroupDirName(name, owner, seq++));
    } catch (error) {
      // EEXIST: an earlier group of this process with that seq (after a fork, say): next seq.
      // ENOENT: another supervisor removed the empty base just now: re-create it.
      if (CgroupError.isInstance(error) && (error.code === 'EEXIST' || error.code === 'ENOENT')) continue;
      throw error;
    }
  }
  throw new CgroupError(`could not create a group named ${name} in ${base.dir}`, 'EEXIST', base.dir);
}
