import type { StdioOptions } from 'node:child_process';
import { Job, spawnInJob, type StdioEntry } from '@pg/winjob';
import type { Backend, BackendGroup, Capabilities, GroupInfo, SpawnRequest } from '../../backend.js';
import { GroupGoneError, InvalidOptionError } from '../../errors/index.js';
import { toCoreError, toSpawnError } from './errors.js';
import { jobGuarantees } from './guarantees.js';
import { JobGroup } from './job-group.js';
import { JobLeaderProcess } from './leader-process.js';
import { SIGBREAK, SIGINT, SIGKILL, SIGTERM } from './signals.js';
import { announce, announcements, withdraw } from './registry-files.js';

const capabilities: Capabilities = Object.freeze({
  ipc: false,
  ipcNote: 'the leader is created with CreateProcessW inside its job, not by libuv',
  limits: Object.freeze(['pids', 'memory'] as const),
  limitsNote: "the job's active-process and job-memory limits",
  signals: new Set([SIGINT, SIGKILL, SIGTERM, SIGBREAK]),
  signalsNote: 'SIGTERM and SIGKILL terminate the job; SIGINT and SIGBREAK are a CTRL_BREAK_EVENT to the leader',
  stopSignal: SIGBREAK,
});

/** Job ids: `pg-job-<owner pid>-<n>`, also the job object's name in the session namespace. */
const ID = /^pg-job-\d+-\d+$/;
let next = 0;

/**
 * Windows: a Win32 job object per group (@pg/winjob). Available on Windows wherever a job can
 * be created (Windows 8 and later allow jobs inside jobs, so a process already in a job, as
 * every libuv child is, can create one). The leader is created suspended, assigned, then resumed.
 */
export const jobBackend: Backend = {
  name: 'job',
  async probe() {
    if (process.platform !== 'win32') return { backend: 'job', available: false, reason: `job objects exist only on Windows, not on ${process.platform}` };
    try {
      Job.create().close();
    } catch (error) {
      return { backend: 'job', available: false, reason: `a job object could not be created here: ${(error as Error).message}` };
    }
    return { backend: 'job', available: true, reason: 'Win32 job objects (CreateProcessW suspended + AssignProcessToJobObject, TerminateJobObject, a completion port)' };
  },
  guarantees: () => jobGuarantees,
  capabilities: () => capabilities,
  recognizes: (id) => ID.test(id),
  async spawn(request: SpawnRequest): Promise<BackendGroup> {
    const stdio = standardHandles(request.stdio);
    const id = `pg-job-${process.pid}-${next++}`;
    let job: Job;
    try {
      job = Job.create({
        name: `Local\\${id}`,
        killOnClose: request.onOwnerExit === 'kill',
        activeProcesses: request.limits?.pids,
        memory: request.limits?.memory,
      });
    } catch (error) {
      throw toSpawnError(error, id, 'could not create the job for');
    }
    const group = new JobGroup(job, id, true, () => withdraw(id));
    try {
      const created = await spawnInJob(job, { file: request.file, args: request.args, cwd: request.cwd, env: request.env, stdio });
      group.setLeader(new JobLeaderProcess(created, request.file, request.args));
      announce({ id, name: request.name, ownerPid: process.pid });
    } catch (error) {
      await group.close();
      throw toSpawnError(error, id, 'could not start the leader of');
    }
    return group;
  },
  async attach(id: string): Promise<BackendGroup> {
    if (!ID.test(id)) throw new InvalidOptionError('id', id, 'a job group id such as "pg-job-1234-0"');
    let job: Job;
    try {
      job = Job.open(`Local\\${id}`);
    } catch (error) {
      const core = toCoreError(error, id, 'opening');
      if (GroupGoneError.isInstance(core)) throw new GroupGoneError(id, `no job group ${id}: its owner has exited (a job lives only while a process holds it) or it never existed`, { cause: error });
      throw core;
    }
    // Its completion port is its creator's: this process learns emptiness by polling.
    return new JobGroup(job, id, false);
  },
  /**
   * The job groups of this user that some process still holds: each announced group whose named
   * job opens. One whose job is gone (its owner exited) has its announcement removed. A job
   * lives only while a process holds it, so no group is ever orphaned here.
   */
  async list(): Promise<GroupInfo[]> {
    const found: GroupInfo[] = [];
    for (const a of announcements()) {
      let job: Job;
      try {
        job = Job.open(`Local\\${a.id}`);
      } catch (error) {
        if (!GroupGoneError.isInstance(toCoreError(error, a.id, 'opening'))) throw toCoreError(error, a.id, 'opening');
        withdraw(a.id);
        continue;
      }
      try {
        found.push({ backend: 'job', id: a.id, name: a.name, ownerPid: a.ownerPid, orphaned: false, memberCount: job.accounting().activeProcesses });
      } finally {
        job.close();
      }
    }
    return found;
  },
};

/**
 * stdin, stdout and stderr from `stdio`: each `'pipe'` (also `'overlapped'`), `'inherit'` or
 * `'ignore'`; nothing beyond the three (CreateProcessW passes three handles, not an fd table).
 */
function standardHandles(stdio: StdioOptions): [StdioEntry, StdioEntry, StdioEntry] {
  const entries = typeof stdio === 'string' ? [stdio, stdio, stdio] : [...stdio];
  if (entries.length > 3 && entries.slice(3).some((e) => e !== undefined && e !== null && e !== 'ignore')) {
    throw new InvalidOptionError('stdio', stdio, 'at most three entries ("pipe", "inherit" or "ignore") with the job backend: CreateProcessW passes stdin, stdout and stderr only');
  }
  return [0, 1, 2].map((i) => {
    const e = entries[i] ?? 'pipe';
    if (e === 'pipe' || e === 'overlapped' || e === null || e === undefined) return 'pipe';
    if (e === 'inherit' || e === 'ignore') return e;
    throw new InvalidOptionError(`stdio[${i}]`, e, '"pipe", "inherit" or "ignore" with the job backend (no streams or fds: the leader is created with CreateProcessW)');
  }) as [StdioEntry, StdioEntry, StdioEntry];
}
