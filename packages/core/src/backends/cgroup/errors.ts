import { CgroupError } from '@pg/cgroup';
import { PidfdError } from '@pg/pidfd';
import { GroupGoneError, PermissionError, ProcessGroupError, UnsupportedError } from '../../errors/index.js';

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
      return new ProcessGroupError('ERR_PG_CGROUP', message, { cause: error, errno: /^E[A-Z0-9]+$/.test(error.code) ? error.code : undefined });
  }
}
