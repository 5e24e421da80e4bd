import { readdirSync } from 'node:fs';
import { posix } from 'node:path';
import { Cgroup, cgroupDir, CgroupError, findCgroup2Mount, listGroups, SUPERVISOR_LEAF, BASE_NAME, type ListedGroup } from '@pg/cgroup';
import { findUserManager, HelperError, SPAWNER_SLICE, startDelegatedSpawner, type DelegatedSpawner } from '@pg/helper';
import { formatIdentity } from '@pg/procfs';
import { ownIdentity } from '../owner.js';
import { useDelegatedUnit } from './locate.js';

/**
 * Real cgroups for an ordinary user whose own cgroup is not theirs (an SSH login's session scope):
 * the spawner runs in a delegated unit of the user's systemd manager (`@pg/helper`
 * `startDelegatedSpawner`), in that unit's `pg.supervisor` leaf, and every group is a sub-cgroup
 * of the unit, created here (the unit is the user's) and entered by clone3 from the spawner.
 */
let current: DelegatedSpawner | undefined;
let starting: Promise<DelegatedSpawner> | undefined;

/** This process's delegated spawner, alive; a new one (in a new unit) when there is none. */
export function delegatedSpawner(helperPath: string): Promise<DelegatedSpawner> {
  if (current !== undefined && current.connection.alive && current.connection.ownerPid === process.pid) return Promise.resolve(current);
  starting ??= start(helperPath).finally(() => (starting = undefined));
  return starting;
}

async function start(helperPath: string): Promise<DelegatedSpawner> {
  const manager = findUserManager();
  if (!manager.ok) throw new HelperError(manager.reason, 'EUSERMANAGER');
  const spawner = await startDelegatedSpawner({ helperPath, owner: formatIdentity(ownIdentity()), manager });
  try {
    // Into a leaf of its unit: a cgroup that enables controllers for its children (the groups'
    // limits) may hold no process itself.
    const unitDir = cgroupDir(spawner.cgroupPath, findCgroup2Mount(spawner.cgroupPath));
    try {
      Cgroup.create(unitDir, SUPERVISOR_LEAF);
    } catch (error) {
      if (!(CgroupError.isInstance(error) && error.code === 'EEXIST')) throw error;
    }
    new Cgroup(posix.join(unitDir, SUPERVISOR_LEAF)).adopt(spawner.connection.pid);
  } catch (error) {
    await spawner.connection.close();
    throw error;
  }
  current = spawner;
  useDelegatedUnit(spawner.cgroupPath);
  return spawner;
}

/**
 * Every group pg made in any spawner unit of this user's manager (the units are siblings in
 * `app-pg.slice`), so groups of other owners, kept or orphaned, are listed too.
 */
export function listDelegatedGroups(): ListedGroup[] {
  if (current === undefined) return [];
  const mount = findCgroup2Mount(current.cgroupPath);
  const slice = posix.dirname(cgroupDir(current.cgroupPath, mount));
  if (posix.basename(slice) !== SPAWNER_SLICE) return [];
  let units: string[];
  try {
    units = readdirSync(slice, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return units.sort().flatMap((unit) => {
    const parentDir = posix.join(slice, unit);
    return listGroups({ mount, parentDir, dir: posix.join(parentDir, BASE_NAME) });
  });
}
