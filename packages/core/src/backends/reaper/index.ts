import { findHelper, HelperError, startHelperInSpawner, type SpawnedHelper } from '@pg/helper';
import { helperLeaderHandle, startFailure } from '../helper-leader.js';
import { PidfdError, pidfdSelf } from '@pg/pidfd';
import type { Backend, BackendGroup, Capabilities, GroupInfo, ProbeResult, SpawnRequest } from '../../backend.js';
import { InvalidOptionError, SpawnError } from '../../errors/index.js';
import { formatIdentity } from '@pg/procfs';
import { ownerAlive, ownIdentity } from '../owner.js';
import { findHelpers } from './list.js';
import { reaperGuarantees } from './guarantees.js';
import { parseReaperId, ReaperGroup } from './reaper-group.js';

const unavailable = (reason: string): ProbeResult => ({ backend: 'reaper', available: false, reason });

/** pg-helper is the leader's parent: an IPC channel would end in it, not in the command. */
const reaperCapabilities: Capabilities = Object.freeze({
  ipc: false,
  ipcNote: 'pg-helper is the leader\'s parent, so the channel would end in it, not in the command',
  limits: Object.freeze([]),
  limitsNote: 'a subreaper has no resource control; use the cgroup backend',
});

/** The helper the probe found working (core always probes a backend before using it). */
let probedHelper: string | undefined;

/**
 * The Linux backend for everyone: pg-helper (`@pg/helper`, a small C program, started per group
 * by this process's pg-helper spawner: Node does not fork) is the leader's parent and a child
 * subreaper, so every process the leader forks, daemons included, stays its
 * descendant; its exit says the group is empty; and it holds a lifeline to this process, so the
 * group dies with its owner (SIGKILL included) unless `onOwnerExit: 'keep'`. Needs no cgroup,
 * no root and no systemd: Linux 3.4+ for the subreaper, 5.3+ for pidfds, and the helper built.
 */
export const reaperBackend: Backend = {
  name: 'reaper',

  async probe(): Promise<ProbeResult> {
    if (process.platform !== 'linux') return unavailable(`PR_SET_CHILD_SUBREAPER and pidfds are Linux-only, not on ${process.platform}`);
    const helper = findHelper();
    if (!helper.ok) return unavailable(helper.reason);
    try {
      pidfdSelf().close();
    } catch (error) {
      if (!PidfdError.isInstance(error)) throw error;
      return unavailable(`pidfds do not work here (${error.code}: ${error.message}); they keep signals off recycled pids (Linux 5.3+)`);
    }
    // The same path spawn takes: the helper, as a subreaper, runs /bin/true and relays its exit.
    try {
      const probe = await startHelperInSpawner({ file: '/bin/true', args: [], stdio: 'ignore', subreaper: true, keep: false, owner: formatIdentity(ownIdentity()), helperPath: helper.path });
      const exit = await probe.leaderExit;
      await probe.ended;
      probe.release();
      if (exit.code !== 0) return unavailable(`${helper.path} ran /bin/true but reported ${JSON.stringify(exit)}`);
    } catch (error) {
      if (!HelperError.isInstance(error)) throw error;
      return unavailable(`${helper.path} does not work here: ${error.message}`);
    }
    probedHelper = helper.path;
    return { backend: 'reaper', available: true, reason: `pg-helper (${helper.path}) as child subreaper: daemons stay members, groups die with their owner` };
  },

  guarantees: () => reaperGuarantees,

  capabilities: () => reaperCapabilities,

  recognizes: (id) => parseReaperId(id) !== undefined,

  async spawn(request: SpawnRequest): Promise<BackendGroup> {
    const found = probedHelper === undefined ? findHelper() : { ok: true as const, path: probedHelper };
    if (!found.ok) throw new SpawnError(`cannot start the leader: ${found.reason}`);
    let helper: SpawnedHelper;
    try {
      helper = await startHelperInSpawner({
        file: request.file,
        args: [...request.args],
        cwd: request.cwd,
        env: request.env,
        stdio: request.stdio,
        subreaper: true,
        keep: request.onOwnerExit === 'keep',
        owner: formatIdentity(ownIdentity()),
        ...(request.name === undefined ? {} : { name: request.name }),
        helperPath: found.path,
      });
    } catch (error) {
      throw startFailure(error);
    }
    // The spawner read the helper's start time before it could reap it: the group's identity
    // even if it has already ended.
    return new ReaperGroup({ pid: helper.pid, startTime: helper.startTime }, { leader: helperLeaderHandle(helper), spawned: helper });
  },

  async attach(id: string): Promise<BackendGroup> {
    const helper = parseReaperId(id);
    if (helper === undefined) throw new InvalidOptionError('id', id, 'a reaper group id such as "reaper:4242.987654"');
    const group = new ReaperGroup(helper);
    group.assertExists();
    return group;
  },

  async list(): Promise<GroupInfo[]> {
    const groups: GroupInfo[] = [];
    for (const found of await findHelpers()) {
      if (!found.subreaper || found.cgroupDir !== undefined) continue;
      const group = new ReaperGroup({ pid: found.pid, startTime: found.startTime });
      groups.push({
        backend: 'reaper',
        id: group.id,
        name: found.name,
        ownerPid: found.owner.pid,
        orphaned: !ownerAlive(found.owner),
        memberCount: group.memberPids().length,
      });
    }
    return groups;
  },
};
