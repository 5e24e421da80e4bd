import { accessSync, constants } from 'node:fs';
import { applyLimits, availableControllers, Cgroup, cgroupFeatures, CgroupError, createGroup, listGroups, PRE_EXEC_SHELL, removeBaseIfEmpty } from '@pg/cgroup';
import { findHelper, findUserManager, HelperError, type SpawnerConnection } from '@pg/helper';
import { PidfdError, pidfdSelf } from '@pg/pidfd';
import type { Backend, BackendGroup, Capabilities, GroupInfo, GroupLimits, ProbeResult, SpawnRequest } from '../../backend.js';
import { GroupGoneError, InvalidOptionError, PermissionError, SpawnError } from '../../errors/index.js';
import { CgroupGroup } from './cgroup-group.js';
import { toCoreError, toSpawnError } from './errors.js';
import { cgroupGuarantees, cgroupGuaranteesInUserManager, cgroupGuaranteesWithHelper } from './guarantees.js';
import { detectPlacement, spawnThroughSpawner, type Placement } from './helper-placement.js';
import { delegatedSpawner, listDelegatedGroups } from './user-manager.js';
import { dirOfId, forgetGroupBase, groupBase, idOfDir, ownGroupBase } from './locate.js';
import { spawnPlaced } from './placement.js';
import { ownerAlive, ownIdentity } from '../owner.js';

const unavailable = (reason: string): ProbeResult => ({ backend: 'cgroup', available: false, reason });

/**
 * The Linux backend: each group is a cgroup v2 directory `<parent>/pg/NAME@PID.TOKEN.SEQ`, the
 * parent being this process's cgroup (or `PG_CGROUP_PARENT`) when it may write there: root, or a
 * delegated subtree. The kernel keeps every descendant in the group (daemons included),
 * `cgroup.kill` kills atomically, `cgroup.events` says when it is empty.
 */
export const cgroupBackend: Backend = createCgroupBackend();

function createCgroupBackend(): Backend {
  /** Set by the probe (core always probes a backend before using it). */
  let placement: Placement | undefined;
  return {
  name: 'cgroup',

  async probe(): Promise<ProbeResult> {
    if (process.platform !== 'linux') return unavailable(`cgroups exist only on Linux, not on ${process.platform}`);
    let base;
    try {
      base = ownGroupBase();
    } catch (error) {
      if (error instanceof InvalidOptionError) return unavailable(error.message);
      throw error;
    }
    let delegated: { helperPath: string; spawner: SpawnerConnection; unit: string; via: string } | undefined;
    if (!base.ok && base.code === 'ENOTWRITABLE' && !process.env.PG_CGROUP_PARENT) {
      // Not ours to write here: a delegated unit of the user's systemd manager may be.
      const viaManager = await startInUserManager(base.reason);
      if (!viaManager.ok) return unavailable(viaManager.reason);
      delegated = viaManager;
      base = groupBase();
    }
    if (!base.ok) return unavailable(base.reason);
    if (delegated === undefined) {
      try {
        accessSync(PRE_EXEC_SHELL, constants.X_OK);
      } catch {
        return unavailable(`${PRE_EXEC_SHELL} is missing or not executable: it places each child in its cgroup before exec`);
      }
    }
    try {
      pidfdSelf().close();
    } catch (error) {
      if (!PidfdError.isInstance(error)) throw error;
      return unavailable(`pidfds do not work here (${error.code}: ${error.message}); they keep signals off recycled pids`);
    }
    // The features and the placement are found by doing: a fresh group is made, its files are
    // looked at (the one feature check `pg doctor` uses too), a leader is placed in it.
    let trial: Cgroup;
    try {
      trial = createGroup(base.base, 'probe', ownIdentity());
    } catch (error) {
      if (!CgroupError.isInstance(error)) throw error;
      return unavailable(`cannot create a group in ${base.base.dir}: ${error.message}`);
    }
    try {
      const features = cgroupFeatures(trial.dir);
      if (features.kill !== true) return unavailable(`${trial.dir} has no cgroup.kill (Linux 5.14+): there is no atomic kill here`);
      if (features.events !== true) return unavailable(`${trial.dir} has no cgroup.events: emptiness could not be observed`);
      placement = await detectPlacement(trial, delegated);
    } finally {
      await trial.remove();
      removeBaseIfEmpty(base.base);
    }
    if (delegated !== undefined && placement.kind !== 'clone3') {
      return unavailable(`the pg-helper spawner in the user manager's unit ${delegated.unit} could not clone into a group there: ${placement.why}`);
    }
    const how =
      delegated !== undefined
        ? `leaders placed with clone3(CLONE_INTO_CGROUP) by the pg-helper spawner in the systemd user manager's delegated ${delegated.via} ${delegated.unit}, which kills the group if its owner dies`
        : placement.kind === 'clone3'
          ? 'leaders placed with clone3(CLONE_INTO_CGROUP) by the pg-helper spawner, which kills the group if its owner dies'
          : `leaders placed by a pre-exec step, and groups do not die with their owner: ${placement.why}`;
    return { backend: 'cgroup', available: true, reason: `${base.reason}; ${how}` };
  },

  /** Before a probe, the weaker promise: a group that does not die with its owner. */
  guarantees: () => (placement?.kind !== 'clone3' ? cgroupGuarantees : placement.delegated ? cgroupGuaranteesInUserManager : cgroupGuaranteesWithHelper),

  /**
   * An IPC channel where Node spawns the leader itself (the pre-exec placement), not where the
   * pg-helper spawner does (clone3): Node sets its channel up only for its own children. Limits where the base's parent offers
   * the controller (its `cgroup.controllers`), read now: delegation can change.
   */
  capabilities(): Capabilities {
    const viaHelper = placement?.kind === 'clone3';
    const found = groupBase();
    let offered: string[] = [];
    if (found.ok) {
      try {
        offered = availableControllers(found.base.parentDir);
      } catch (error) {
        if (!CgroupError.isInstance(error)) throw error;
      }
    }
    const limits = (['pids', 'memory'] as const).filter((key) => offered.includes(key)) satisfies (keyof GroupLimits)[];
    return {
      ipc: !viaHelper,
      ...(viaHelper ? { ipcNote: 'the pg-helper spawner creates the leader with clone3, and a Node IPC channel cannot be passed to a process Node does not spawn' } : {}),
      limits,
      ...(limits.length < 2
        ? { limitsNote: `${found.ok ? found.base.parentDir : 'the parent cgroup'} offers ${offered.length === 0 ? 'no controllers' : `the controllers ${offered.join(' ')}`}; a limit needs its controller (pids, memory) delegated there` }
        : {}),
    };
  },

  /** Group ids are cgroup paths (`/pg/web@4242.i3596.0`) or directories on the cgroup2 mount. */
  recognizes: (id) => id.startsWith('/'),

  async spawn(request: SpawnRequest): Promise<BackendGroup> {
    // Groups go in the unit of this process's delegated spawner: a new one (a new unit) after a
    // fork of this process or when the last one died.
    const delegated =
      placement?.kind === 'clone3' && placement.delegated
        ? await delegatedSpawner(placement.helperPath).catch((error: unknown) => {
            throw new SpawnError(`cannot start the pg-helper spawner in the systemd user manager: ${(error as Error).message}`, { cause: error });
          })
        : undefined;
    const found = groupBase();
    if (!found.ok) {
      const message = `cannot create a cgroup: ${found.reason}`;
      if (found.code === 'EACCES' || found.code === 'EPERM' || found.code === 'ENOTWRITABLE') {
        throw new PermissionError(message, { errno: found.code });
      }
      // Anything else (EMFILE, ENOMEM, …) is a failure to start, not a refusal.
      throw new SpawnError(message, { errno: /^E[A-Z0-9]+$/.test(found.code) ? found.code : undefined });
    }
    const base = found.base;
    let group: Cgroup;
    try {
      group = createGroup(base, request.name ?? 'group', ownIdentity());
    } catch (error) {
      forgetGroupBase();
      throw toSpawnError(error, base.dir, 'creating a group in');
    }
    const id = idOfDir(group.dir, base.mount);
    try {
      const limits = request.limits;
      if (limits !== undefined && (limits.pids !== undefined || limits.memory !== undefined)) {
        applyLimits(base, group, { ...(limits.pids === undefined ? {} : { pidsMax: limits.pids }), ...(limits.memory === undefined ? {} : { memoryMax: limits.memory }) });
      }
      if (placement?.kind === 'clone3') {
        return new CgroupGroup(id, group, { base, spawned: await spawnThroughSpawner(group, request, placement.helperPath, delegated?.connection) });
      }
      const { child, leader } = await spawnPlaced(group, request);
      return new CgroupGroup(id, group, { child, leader, base });
    } catch (error) {
      // Leave nothing behind: whatever got in is killed, the directory and an empty base removed.
      await discard(group, base);
      throw toSpawnError(error, id, 'starting the leader in');
    }
  },

  async attach(id: string): Promise<BackendGroup> {
    const dir = dirOfId(id);
    let group: Cgroup;
    try {
      group = Cgroup.open(dir);
    } catch (error) {
      if (CgroupError.isInstance(error) && error.code === 'ENOENT') throw new GroupGoneError(id, undefined, { cause: error });
      throw toCoreError(error, id, 'opening');
    }
    if (idOfDir(dir) === '/') {
      throw new InvalidOptionError('id', id, 'a non-root cgroup (the root cgroup has no cgroup.kill or cgroup.events)');
    }
    const found = groupBase();
    return new CgroupGroup(idOfDir(dir), group, found.ok ? { base: found.base } : {});
  },

  async list(): Promise<GroupInfo[]> {
    let listed;
    if (placement?.kind === 'clone3' && placement.delegated) {
      listed = listDelegatedGroups();
    } else {
      const found = groupBase();
      if (!found.ok) return [];
      listed = listGroups(found.base);
    }
    return listed.map((g) => {
      let memberCount = 0;
      try {
        memberCount = g.group.members().length;
      } catch (error) {
        if (!(CgroupError.isInstance(error) && error.code === 'ENOENT')) throw error;
      }
      return { backend: 'cgroup', id: g.cgroupPath, name: g.name, ownerPid: g.owner.pid, orphaned: !ownerAlive(g.owner), memberCount } satisfies GroupInfo;
    });
  },
  };
}

/**
 * Starts this process's spawner in a delegated unit of the user's systemd manager, when one
 * answers and pg-helper is here; otherwise why not (after `notHere`, why the own cgroup is not usable).
 */
async function startInUserManager(notHere: string): Promise<{ ok: true; helperPath: string; spawner: SpawnerConnection; unit: string; via: string } | { ok: false; reason: string }> {
  const manager = findUserManager();
  if (!manager.ok) return { ok: false, reason: `${notHere}; ${manager.reason}` };
  const helper = findHelper();
  if (!helper.ok) return { ok: false, reason: `${notHere}; ${manager.reason} could host the groups, but pg-helper is missing: ${helper.reason}` };
  try {
    const started = await delegatedSpawner(helper.path);
    return { ok: true, helperPath: helper.path, spawner: started.connection, unit: started.unit, via: started.via };
  } catch (error) {
    if (!HelperError.isInstance(error) && !CgroupError.isInstance(error)) throw error;
    return { ok: false, reason: `${notHere}; ${(error as Error).message}` };
  }
}

async function discard(group: Cgroup, base: Parameters<typeof removeBaseIfEmpty>[0]): Promise<void> {
  try {
    if (group.exists() && group.populated()) group.kill();
    await group.remove();
  } finally {
    removeBaseIfEmpty(base);
  }
}
