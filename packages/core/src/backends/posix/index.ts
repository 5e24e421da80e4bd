import { spawn } from 'node:child_process';
import type { Backend, BackendGroup, Capabilities, Guarantees, SpawnRequest } from '../../backend.js';
import { InvalidOptionError, SpawnError } from '../../errors/index.js';
import { spawnChild } from '../spawn-child.js';
import { listMarkedSessions, markerEnv } from './marker.js';
import { PosixGroup } from './posix-group.js';

const guarantees: Guarantees = Object.freeze({
  memberBeforeFirstInstruction: true,
  daemonsStayMembers: false,
  atomicKill: false,
  signalReachesNewMembers: true,
  emptyEvent: false,
  neverSignalsRecycledPid: false,
  unprivileged: true,
  diesWithOwner: false,
  limits: Object.freeze([
    'A member that calls setsid() (a daemon that double-forks) leaves the session and is no longer a member: it survives stop() and kill().',
    'kill() is not atomic against forks: it repeats until a scan finds no new member.',
    'A pid can be recycled between the scan that finds a member and the signal sent to it.',
    'Emptiness is found by scanning the process table, not by a kernel event.',
    'Resource limits (pids, memory) are not supported.',
    'The leader is marked through its environment (PG_GROUP_OWNER, PG_GROUP_NAME) so that listGroups() can find the group; a member that clears its environment is still a member but no longer carries the mark.',
  ]),
});

const capabilities: Capabilities = Object.freeze({
  ipc: true,
  limits: Object.freeze([]),
  limitsNote: 'sessions have no resource control; use the cgroup backend',
});

/**
 * The portable backend: the leader is spawned detached, so it leads a new session and process
 * group (`setsid()` in the child before exec), and the group is that session. Pure Node, no FFI.
 */
export const posixBackend: Backend = {
  name: 'posix',
  async probe() {
    if (process.platform === 'win32') return { backend: 'posix', available: false, reason: 'Windows has no sessions or process groups' };
    return { backend: 'posix', available: true, reason: 'sessions and process groups (setsid at spawn); setsid daemons escape' };
  },
  guarantees: () => guarantees,
  capabilities: () => capabilities,
  recognizes: (id) => /^[1-9]\d*$/.test(id),
  async spawn(request: SpawnRequest): Promise<BackendGroup> {
    let env: NodeJS.ProcessEnv;
    try {
      env = { ...request.env, ...(await markerEnv(request.name)) };
    } catch (error) {
      throw new SpawnError(`could not prepare the leader's environment: ${(error as Error).message}`, { cause: error });
    }
    const child = await spawnChild(() => spawn(request.file, request.args, { cwd: request.cwd, env, stdio: request.stdio, detached: true }));
    return new PosixGroup(child.pid as number, child);
  },
  async attach(id: string): Promise<BackendGroup> {
    if (!posixBackend.recognizes(id)) throw new InvalidOptionError('id', id, 'a process group id (a positive integer) for the posix backend');
    const group = new PosixGroup(Number(id), undefined);
    await group.assertExists();
    return group;
  },
  list: listMarkedSessions,
};

