import type { Cgroup } from '@pg/cgroup';
import { findHelper, HelperError, spawnLeader, type SpawnerConnection } from '@pg/helper';
import type { SpawnRequest } from '../../backend.js';
import { formatIdentity } from '@pg/procfs';
import { spawnedLeaderHandle, startFailure } from '../helper-leader.js';
import { ownIdentity } from '../owner.js';

/**
 * How this machine places cgroup leaders, decided once by the probe:
 * - `clone3`: this process's pg-helper spawner (one per owner, `@pg/helper`) creates each leader
 *   inside its group with `clone3(CLONE_INTO_CGROUP)` (Linux 5.7): no migration, and no fork of
 *   Node per group (that fork was most of a spawn's cost). The spawner, outside every group,
 *   holds the lifeline: when this process dies, it kills every group not kept.
 * - `pre-exec`: `/bin/sh -c 'echo 0 > …/cgroup.procs && exec "$@"'` (placement.ts), when the
 *   helper is not built or clone3 into a cgroup does not work here; groups then do not die with
 *   their owner.
 */
export type Placement =
  | { readonly kind: 'clone3'; readonly helperPath: string; readonly delegated: boolean }
  | { readonly kind: 'pre-exec'; readonly why: string };

/**
 * Finds the placement by doing it: the spawner clones `/bin/true` into `group` (a fresh, empty
 * group the caller removes). `PG_CGROUP_PLACEMENT=pre-exec` forces the pre-exec step, for tests
 * and for measuring both.
 */
export async function detectPlacement(group: Cgroup, delegated?: { helperPath: string; spawner: SpawnerConnection }): Promise<Placement> {
  if (delegated === undefined && process.env.PG_CGROUP_PLACEMENT === 'pre-exec') return { kind: 'pre-exec', why: 'PG_CGROUP_PLACEMENT=pre-exec' };
  const helper = delegated === undefined ? findHelper() : { ok: true as const, path: delegated.helperPath };
  if (!helper.ok) return { kind: 'pre-exec', why: helper.reason };
  try {
    const started = await spawnLeader({ file: '/bin/true', args: [], stdio: 'ignore', keep: false, cgroupDir: group.dir, owner: formatIdentity(ownIdentity()), helperPath: helper.path, ...(delegated === undefined ? {} : { spawner: delegated.spawner }) });
    const exit = await started.exited;
    started.release();
    if (exit.lost !== undefined) throw exit.lost;
    return { kind: 'clone3', helperPath: helper.path, delegated: delegated !== undefined };
  } catch (error) {
    if (!HelperError.isInstance(error)) throw error;
    return { kind: 'pre-exec', why: `the pg-helper spawner could not clone into a cgroup here (${error.code}: ${error.message})` };
  }
}

/** Starts the leader through this process's spawner, created inside `group` by clone3. */
export async function spawnThroughSpawner(group: Cgroup, request: SpawnRequest, helperPath: string, spawner?: SpawnerConnection) {
  try {
    const spawned = await spawnLeader({
      file: request.file,
      args: [...request.args],
      ...(request.cwd === undefined ? {} : { cwd: request.cwd }),
      ...(spawner === undefined ? {} : { spawner }),
      env: request.env,
      stdio: request.stdio,
      keep: request.onOwnerExit === 'keep',
      cgroupDir: group.dir,
      owner: formatIdentity(ownIdentity()),
      helperPath,
    });
    return { leader: spawnedLeaderHandle(spawned), release: () => spawned.release() };
  } catch (error) {
    throw startFailure(error);
  }
}
