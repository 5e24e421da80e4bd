import { CgroupError } from '@pg/cgroup';
import { PidfdError } from '@pg/pidfd';
import { CgroupBackendError, GroupGoneError, PermissionError, ProcessGroupError, SpawnError, UnsupportedError } from '../../errors/index.js';

/** Turn an error of @pg/cgroup or @pg/pidfd into the core error of the same kind. */
export function toCoreError(error: unknown, groupId: string, doing: string): unknown {
  if (!CgroupError.isInstance(error) && !PidfdError.isInstance(error)) return error;
  const message = `${doing} ${groupId}: ${error.message}`;
  switch (error.code) {
    case 'EACCES':
    case 'EPERM':
    case 'ENOTWRITABLE':
      return new PermissionError(message, { cause: error, errno: error.code });
    case 'ENOENT':
      return new GroupGoneError(groupId, message, { cause: error, errno: error.code });
    case 'ECONTROLLER':
    case 'EUNSUPPORTED':
      return new UnsupportedError(message, { cause: error });
    default:
      return new CgroupBackendError(message, { cause: error, errno: /^E[A-Z0-9]+$/.test(error.code) ? error.code : undefined });
  }
}

/**
 * An error while creating a group or starting its leader: a refusal stays a `PermissionError`
 * (and a missing controller an `UnsupportedError`); anything else (EMFILE, EAGAIN from
 * `cgroup.max.descendants`, …) is a `SpawnError`, since nothing was started.
 */
export function toSpawnError(error: unknown, groupId: string, doing: string): unknown {
  const core = toCoreError(error, groupId, doing);
  if (PermissionError.isInstance(core) || UnsupportedError.isInstance(core) || SpawnError.isInstance(core)) return core;
  if (!ProcessGroupError.isInstance(core)) return core;
  return new SpawnError(core.message, { cause: error, errno: core.errno });
}
