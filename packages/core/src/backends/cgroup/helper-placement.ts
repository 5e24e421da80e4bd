import type { Cgroup } from '@pg/cgroup';
import { findHelper, HelperError, startHelper } from '@pg/helper';
import type { SpawnRequest } from '../../backend.js';
import { leaderHandle, startFailure } from '../helper-leader.js';
import { formatIdentity } from '@pg/procfs';
import { ownIdentity } from '../owner.js';

/**
 * How this machine places cgroup leaders, decided once by the probe:
 * - `clone3`: pg-helper creates the leader inside the group with `clone3(CLONE_INTO_CGROUP)`
 *   (Linux 5.7): no migration, so no wait for the RCU grace period a write to cgroup.procs can
 *   pay; and the helper, outside the group, holds the lifeline: the group dies with its owner.
 * - `pre-exec`: `/bin/sh -c 'echo 0 > …/cgroup.procs && exec "$@"'` (placement.ts), when the
 *   helper is not built or clone3 into a cgroup does not work here; the group then does not die
 *   with its owner.
 */
export type Placement = { readonly kind: 'clone3'; readonly helperPath: string } | { readonly kind: 'pre-exec'; readonly why: string };

/**
 * Finds the placement by doing it: the helper clones `/bin/true` into `group` (a fresh, empty
 * group the caller removes). `PG_CGROUP_PLACEMENT=pre-exec` forces the pre-exec step, for tests
 * and for measuring both.
 */
export async function detectPlacement(group: Cgroup): Promise<Placement> {
  if (process.env.PG_CGROUP_PLACEMENT === 'pre-exec') return { kind: 'pre-exec', why: 'PG_CGROUP_PLACEMENT=pre-exec' };
  const helper = findHelper();
  if (!helper.ok) return { kind: 'pre-exec', why: helper.reason };
  try {
    const started = await startHelper({ file: '/bin/true', args: [], stdio: 'ignore', subreaper: false, keep: false, cgroupDir: group.dir, owner: formatIdentity(ownIdentity()), helperPath: helper.path });
    await started.exited;
    return { kind: 'clone3', helperPath: helper.path };
  } catch (error) {
    if (!HelperError.isInstance(error)) throw error;
    return { kind: 'pre-exec', why: `pg-helper could not clone into a cgroup here (${error.code}: ${error.message})` };
  }
}

/** Starts the leader through pg-helper, created inside `group` by clone3. */
export async function spawnThroughHelper(group: Cgroup, request: SpawnRequest, helperPath: string) {
  try {
    const process = await startHelper({
      file: request.file,
      args: [...request.args],
      cwd: request.cwd,
      env: request.env,
      stdio: request.stdio,
      subreaper: false,
      keep: request.onOwnerExit === 'keep',
      cgroupDir: group.dir,
      owner: formatIdentity(ownIdentity()),
      ...(request.name === undefined ? {} : { name: request.name }),
      helperPath,
    });
    return { process, leader: leaderHandle(process) };
  } catch (error) {
    throw startFailure(error);
  }
}
