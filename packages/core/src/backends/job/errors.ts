import { WinJobError } from '@pg/winjob';
import { GroupGoneError, PermissionError, ProcessGroupError, SpawnError, UnsupportedError } from '../../errors/index.js';

/** Turns a WinJobError into the core error of the same kind; anything else passes through. */
export function toCoreError(error: unknown, groupId: string, doing: string): unknown {
  if (!WinJobError.isInstance(error)) return error;
  const message = `${doing} ${groupId}: ${error.message}`;
  const errno = /^E[A-Z0-9]+$/.test(error.code) ? error.code : undefined;
  switch (error.code) {
    case 'EACCES':
      return new PermissionError(message, { cause: error, errno });
    case 'ENOENT':
      return new GroupGoneError(groupId, message, { cause: error, errno });
    case 'EUNSUPPORTED':
    case 'EFFI':
      return new UnsupportedError(message, { cause: error });
    default:
      return new ProcessGroupError('ERR_PG_JOB', message, { cause: error, errno });
  }
}

/** An error while creating a job or its leader: nothing was started, so a `SpawnError` unless it is a refusal. */
export function toSpawnError(error: unknown, groupId: string, doing: string): unknown {
  const core = toCoreError(error, groupId, doing);
  if (PermissionError.isInstance(core) || UnsupportedError.isInstance(core)) return core;
  if (!ProcessGroupError.isInstance(core)) return core;
  const { message, errno } = core as ProcessGroupError;
  return new SpawnError(message, { cause: error, errno });
}
