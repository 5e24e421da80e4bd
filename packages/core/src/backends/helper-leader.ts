import { HelperError, type HelperProcess } from '@pg/helper';
import { PidfdError, pidfdOpen, type Pidfd } from '@pg/pidfd';
import type { LeaderHandle } from '../backend.js';
import { PermissionError, SpawnError, systemCode } from '../errors/index.js';

/**
 * Why the helper could not start the leader, as a `SpawnError` carrying the system code: the
 * exec's errno (ENOENT, EACCES), or the spawn's (EMFILE, EAGAIN) when the helper itself could not
 * be started, which Node reports by throwing or through the helper's 'error' event.
 */
export function startFailure(error: unknown): unknown {
  const own = HelperError.isInstance(error) ? error.code : undefined;
  const errno = [own, systemCode(error), systemCode((error as { cause?: unknown } | null)?.cause)].find(
    (code) => code !== undefined && /^E[A-Z0-9]+$/.test(code) && !HELPER_CODES.has(code),
  );
  if (!HelperError.isInstance(error) && errno === undefined) return error;
  return new SpawnError(`could not start the leader: ${(error as Error).message}`, { cause: error, errno });
}

/** @pg/helper's own codes, which are not system errno names. */
const HELPER_CODES = new Set(['EHELPER', 'ENOHELPER', 'ECLONE3']);

/**
 * The command behind the helper: its pid and exit as the helper reports them, and a `kill` that
 * reaches it through a pidfd opened now, while it cannot have been reaped yet unnoticed (the
 * helper reported its pidfd id; a mismatch means it is already gone).
 */
export function leaderHandle(helper: HelperProcess): LeaderHandle {
  let pidfd: Pidfd | undefined;
  try {
    pidfd = pidfdOpen(helper.leaderPid);
    if (helper.leaderPidfdId !== undefined && pidfd.id() !== helper.leaderPidfdId) {
      pidfd.close();
      pidfd = undefined;
    }
  } catch (error) {
    if (!(PidfdError.isInstance(error) && error.code === 'ESRCH')) throw error;
    pidfd = undefined;
  }
  const exited = helper.leaderExit.finally(() => pidfd?.close());
  return {
    pid: helper.leaderPid,
    exited,
    kill(signal: number) {
      if (pidfd === undefined || pidfd.closed) return;
      try {
        pidfd.sendSignal(signal);
      } catch (error) {
        if (PidfdError.isInstance(error) && error.code === 'ESRCH') return;
        if (PidfdError.isInstance(error) && error.code === 'EPERM') throw new PermissionError(`not allowed to signal the leader (pid ${helper.leaderPid})`, { cause: error });
        throw error;
      }
    },
  };
}

