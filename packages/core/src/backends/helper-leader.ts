import { HelperError, type SpawnedHelper, type SpawnedLeader } from '@pg/helper';
import { PidfdError, pidfdOpen, type Pidfd } from '@pg/pidfd';
import type { LeaderHandle } from '../backend.js';
import { PermissionError, SpawnError, SpawnerLostError, systemCode } from '../errors/index.js';

/**
 * Why the spawner or a helper could not start the leader, as a `SpawnError` carrying the system
 * code: the exec's errno (ENOENT, EACCES), or the failed step's (EMFILE, EAGAIN).
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
const HELPER_CODES = new Set(['EHELPER', 'ENOHELPER', 'ECLONE3', 'ESPAWNER', 'EFFI', 'EUNSUPPORTED']);

/**
 * A pidfd on the command, opened now and kept only if its id is the one the spawner or helper
 * reported (a mismatch, or ESRCH, means it is already gone and its pid may be someone else's).
 */
function openLeader(pid: number, pidfdId: bigint | undefined): Pidfd | undefined {
  try {
    const pidfd = pidfdOpen(pid);
    if (pidfdId !== undefined && pidfd.id() !== pidfdId) {
      pidfd.close();
      return undefined;
    }
    return pidfd;
  } catch (error) {
    if (PidfdError.isInstance(error) && error.code === 'ESRCH') return undefined;
    throw error;
  }
}

function killThrough(pidfd: Pidfd | undefined, pid: number, signal: number): void {
  if (pidfd === undefined || pidfd.closed) return;
  try {
    pidfd.sendSignal(signal);
  } catch (error) {
    if (PidfdError.isInstance(error) && error.code === 'ESRCH') return;
    if (PidfdError.isInstance(error) && error.code === 'EPERM') throw new PermissionError(`not allowed to signal the leader (pid ${pid})`, { cause: error });
    throw error;
  }
}

/** The spawner's end, as core's error naming it. */
export function spawnerLost(cause: HelperError): SpawnerLostError {
  return new SpawnerLostError(`${cause.message}: the group no longer dies with its owner, and the leader's status is unknown`, { cause });
}

/**
 * A leader the spawner created (cgroup backend): its pid, stdio, exit as the spawner reaped it,
 * and a `kill` through a pidfd. If the spawner ends first, `lost` settles and the exit is read
 * from the pidfd instead: when it turns readable, with the status the kernel keeps after the
 * reap (PIDFD_GET_INFO, Linux 6.15+), else `{ code: null, signal: null }`.
 */
export function spawnedLeaderHandle(spawned: SpawnedLeader): LeaderHandle & { readonly lost: Promise<SpawnerLostError> } {
  const pidfd = openLeader(spawned.pid, spawned.pidfdId);
  let resolveLost!: (error: SpawnerLostError) => void;
  const lost = new Promise<SpawnerLostError>((resolve) => (resolveLost = resolve));
  const exited = spawned.exited
    .then(async (exit) => {
      if (exit.lost === undefined) return { code: exit.code, signal: exit.signal };
      resolveLost(spawnerLost(exit.lost));
      return afterLoss(pidfd);
    })
    .finally(() => pidfd?.close());
  return {
    pid: spawned.pid,
    stdio: spawned.stdio,
    exited,
    lost,
    kill: (signal) => killThrough(pidfd, spawned.pid, signal),
    unref: () => spawned.unref(),
  };
}

/** The leader's exit once its reporter is gone: from the pidfd, as far as the kernel tells it. */
async function afterLoss(pidfd: Pidfd | undefined): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (pidfd === undefined) return { code: null, signal: null };
  await pidfd.exited();
  try {
    const info = pidfd.info();
    if (info.exitCode !== undefined) return { code: info.exitCode, signal: info.signal ?? null };
  } catch (error) {
    if (!PidfdError.isInstance(error)) throw error; // ESRCH: reaped and no exit info kept (< 6.15)
  }
  return { code: null, signal: null };
}

/**
 * The command behind a per-group helper that the spawner started (reaper backend): its pid and
 * exit as the helper reports them (the helper holds its own lifeline, so the spawner's end
 * changes nothing for it), the stdio, and a `kill` through a pidfd.
 */
export function helperLeaderHandle(helper: SpawnedHelper): LeaderHandle {
  const pidfd = openLeader(helper.leaderPid, helper.leaderPidfdId);
  const exited = helper.leaderExit.finally(() => pidfd?.close());
  return {
    pid: helper.leaderPid,
    stdio: helper.stdio,
    exited,
    kill: (signal) => killThrough(pidfd, helper.leaderPid, signal),
    unref: () => helper.unref(),
  };
}
