import type { ChildProcess } from 'node:child_process';
import { commandLineOf, JobMessage, processSnapshot, watchJob, type Job, type JobEvent } from '@pg/winjob';
import type { BackendGroup, GroupStats, Member } from '../../backend.js';
import { UnsupportedError } from '../../errors/index.js';
import type { SignalRound } from '../../rounds.js';
import { signalName } from '../../signals.js';
import { toCoreError } from './errors.js';
import type { JobLeaderProcess } from './leader-process.js';
import { SIGBREAK, SIGINT, SIGTERM } from './signals.js';

/** The exit code TerminateJobObject gives every member (what Node's kill() gives on Windows). */
const TERMINATED = 1;

/**
 * A group that is a Win32 job object (docs/windows.md, "Job objects"). The kernel keeps
 * membership: every process a member creates is created inside the job, detached or orphaned
 * or not. `TerminateJobObject` ends all members at once, and ACTIVE_PROCESS_ZERO on the job's
 * completion port is the empty event.
 */
export class JobGroup implements BackendGroup {
  readonly id: string;
  readonly #job: Job;
  #leader: JobLeaderProcess | undefined;
  #subscription: { unsubscribe(): void; unref(): void; ref(): void } | undefined;
  #empty = false;
  readonly #emptyWaiters = new Set<() => void>();
  /**
   * Set when this process receives the job's completion-port messages (the job it created);
   * absent for a job opened by name from another process, whose port is its creator's: core then
   * polls `isEmpty()`.
   */
  readonly watchEmpty?: (abort: AbortSignal) => Promise<void>;

  readonly #onClose: (() => void) | undefined;

  /**
   * `watch`: subscribe to the job's completion port (only the process that created the job).
   * `onClose` runs once the group is closed.
   */
  constructor(job: Job, id: string, watch: boolean, onClose?: () => void) {
    this.#job = job;
    this.id = id;
    this.#onClose = onClose;
    if (watch) {
      this.#subscription = watchJob(job, (event) => this.#onEvent(event));
      this.watchEmpty = (abort) => this.#watchEmpty(abort);
    }
  }

  /** The leader, once created; core reads it after `spawn` resolves. */
  get child(): ChildProcess | undefined {
    // A ChildProcess-shaped object (leader-process.ts): the leader is not a libuv child.
    return this.#leader as unknown as ChildProcess | undefined;
  }

  setLeader(leader: JobLeaderProcess): void {
    this.#leader = leader;
    // It may have exited before the subscription could tell: look once.
    leader.checkExit();
  }

  #onEvent(event: JobEvent): void {
    if (event.message === JobMessage.ActiveProcessZero) {
      this.#empty = true;
      this.#leader?.checkExit();
      for (const wake of this.#emptyWaiters) wake();
      this.#emptyWaiters.clear();
    } else if ((event.message === JobMessage.ExitProcess || event.message === JobMessage.AbnormalExitProcess) && event.pid === this.#leader?.pid) {
      this.#leader.checkExit();
    }
  }

  #watchEmpty(abort: AbortSignal): Promise<void> {
    if (this.#empty) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        abort.removeEventListener('abort', done);
        this.#emptyWaiters.delete(done);
        resolve();
      };
      this.#emptyWaiters.add(done);
      abort.addEventListener('abort', done, { once: true });
    });
  }

  async members(): Promise<Member[]> {
    const pids = this.#run('listing the members of', () => this.#job.pids());
    if (pids.length === 0) return [];
    const table = processSnapshot();
    const members: Member[] = [];
    for (const pid of pids) {
      const entry = table.get(pid);
      if (entry === undefined) continue; // exited between the two reads
      members.push({ pid, ppid: entry.ppid, command: commandLineOf(pid) ?? entry.exe });
    }
    return members;
  }

  /**
   * SIGTERM: the whole job is terminated in this one pass (a second pass finds only members
   * already counted, or none). SIGINT/SIGBREAK: one CTRL_BREAK_EVENT to the leader's console
   * process group. Core has already refused every other signal (capabilities).
   */
  async signalPass(round: SignalRound): Promise<number> {
    if (round.signal === SIGTERM) {
      const pids = this.#run('listing the members of', () => this.#job.pids());
      const fresh = pids.filter((pid) => !round.signalled.has(String(pid)));
      if (fresh.length === 0) return 0;
      this.#leader?.endingBy(SIGTERM);
      this.#run('terminating', () => this.#job.terminate(TERMINATED));
      for (const pid of pids) round.signalled.add(String(pid));
      return fresh.length;
    }
    if (round.signal === SIGINT || round.signal === SIGBREAK) {
      const leader = this.#leader;
      if (leader === undefined) {
        throw new UnsupportedError(`cannot send ${signalName(round.signal)} to ${this.id}: a console control event goes to the leader's console process group, and this process did not start the leader`);
      }
      if (leader.exited || round.signalled.has(String(leader.pid))) return 0;
      leader.kill(round.signal);
      round.signalled.add(String(leader.pid));
      return 1;
    }
    throw new UnsupportedError(`${signalName(round.signal)} does not exist on Windows`);
  }

  async killPass(): Promise<void> {
    this.#leader?.endingBy(9);
    this.#run('terminating', () => this.#job.terminate(TERMINATED));
  }

  async isEmpty(): Promise<boolean> {
    if (this.#empty) return true;
    return this.#run('reading the accounting of', () => this.#job.accounting()).activeProcesses === 0;
  }

  async stats(): Promise<GroupStats> {
    const a = this.#run('reading the accounting of', () => this.#job.accounting());
    return { pids: a.activeProcesses, cpuUsageMicros: a.userMicros + a.kernelMicros };
  }

  async close(): Promise<void> {
    this.#subscription?.unsubscribe();
    this.#subscription = undefined;
    this.#leader?.release();
    this.#job.close();
    this.#onClose?.();
  }

  unref(): void {
    this.#subscription?.unref();
    this.#leader?.unref();
  }

  /** Runs a @pg/winjob call, turning its error into the core error of the same kind. */
  #run<T>(doing: string, call: () => T): T {
    try {
      return call();
    } catch (error) {
      throw toCoreError(error, this.id, doing);
    }
  }
}
