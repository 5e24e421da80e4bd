import { pidfdSelf } from './pidfd.js';

let cached: { pid: number; id: bigint } | undefined;

/**
 * The pidfd id of this process (what a socket-activation sender puts in `LISTEN_PIDFDID` for it).
 * Cached: it never changes for the life of the process.
 * @throws PidfdError when unobtainable (`'EUNSUPPORTED'` before pidfs, `'EFFI'`, `'ENOSYS'`).
 */
export function ownPidfdId(): bigint {
  if (cached?.pid === process.pid) return cached.id;
  using self = pidfdSelf();
  cached = { pid: process.pid, id: self.id() };
  return cached.id;
}
