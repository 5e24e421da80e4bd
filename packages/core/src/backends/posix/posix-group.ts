import type { ChildProcess } from 'node:child_process';
import type { BackendGroup, GroupStats, Member } from '../../backend.js';
import { GroupGoneError, PermissionError } from '../../errors/index.js';
import { ticksSinceBoot } from '@pg/procfs';
import type { SignalRound } from '../../rounds.js';
import { SIGKILL } from '../../signals.js';
import { ProcMember } from '../proc-member.js';
import { commandOf, processTable, type ProcessEntry } from './proc-table.js';


/**
 * A POSIX group: the session (and process group) whose id is the leader's pid. The leader was
 * spawned detached, so `setsid()` made it the leader of both. Members are the live processes
 * whose session or process group is that id. A member that calls `setsid()` itself leaves both
 * and is lost to the group; that is this backend's stated limit.
 *
 * Every pass signals members one by one, by pid, from one scan: a member that moves to another
 * process group (`setpgid`) between the scan and the signal is still reached, which a
 * `kill(-pgid)` counted as "done" would miss (the posix hang of issue 11).
 */
export class PosixGroup implements BackendGroup {
  readonly id: string;
  readonly child: ChildProcess | undefined;
  readonly #sid: number;

  constructor(sid: number, child: ChildProcess | undefined) {
    this.#sid = sid;
    this.id = String(sid);
    this.child = child;
  }

  /** Live, non-zombie processes of the session or process group. */
  async entries(): Promise<ProcessEntry[]> {
    const table = await processTable();
    return table.filter((p) => !p.zombie && (p.sid === this.#sid || p.pgid === this.#sid));
  }

  async members(): Promise<Member[]> {
    const entries = await this.entries();
    // On Linux the command is read lazily from /proc; elsewhere `ps` is asked for each now.
    if (process.platform === 'linux') return entries.map((p) => new ProcMember(p.pid, p.ppid));
    return Promise.all(entries.map(async (p) => ({ pid: p.pid, ppid: p.ppid, command: await commandOf(p.pid) })));
  }

  /**
   * Signals each member of one scan that has not been signalled yet (a member is its pid plus
   * start time, so a recycled pid counts as new). Between the scan and the kill a pid can be
   * recycled: the stated limit.
   *
   * This backend cannot hold forks, so a tree that keeps forking (a shell loop that traps the
   * signal) would show new members on every pass. On Linux a member forked after its parent was
   * sent the signal is not new in that sense: the kernel restarts a fork when a signal comes in
   * during it (copy_process), so such a child exists only after its parent took the signal.
   * It is left alone (`round.bornAfterParentSignalled`: its start time is past the moment the
   * parent was signalled, by more than a tick). Where there is no /proc clock (not Linux), every
   * new member is signalled.
   */
  async signalPass(round: SignalRound): Promise<number> {
    let denied: unknown;
    let sent = 0;
    const clocked = process.platform === 'linux';
    const sentNow: number[] = [];
    for (const p of await this.entries()) {
      const key = `${p.pid}@${p.startTime}`;
      if (round.signalled.has(key)) continue;
      if (clocked && round.bornAfterParentSignalled(p.ppid, Number(p.startTime), 1)) continue;
      const result = send(p.pid, round.signal);
      if (result === 'denied') denied ??= result;
      else if (result === 'sent') {
        round.signalled.add(key);
        sentNow.push(p.pid);
        sent++;
      }
    }
    // Read once the pass has sent everything: never earlier than any of its signals.
    if (clocked && sentNow.length > 0) {
      const now = ticksSinceBoot();
      for (const pid of sentNow) round.sentAt.set(pid, now);
    }
    if (denied !== undefined) throw new PermissionError(`not allowed to signal members of group ${this.id}`);
    return sent;
  }

  /**
   * `kill(-pgid)` reaches every process still in the leader's process group at that instant,
   * forks in flight included; then every member of a fresh scan gets its own SIGKILL (those that
   * moved to another process group, or were forked after the group kill).
   */
  async killPass(): Promise<void> {
    // Never kill(-1, …): that is every process this user may signal. (Groups holding PID 1 or
    // the caller are refused by core before any pass.)
    let denied = this.#sid > 1 && send(-this.#sid, SIGKILL) === 'denied';
    for (const p of await this.entries()) denied = send(p.pid, SIGKILL) === 'denied' || denied;
    if (denied) throw new PermissionError(`not allowed to kill members of group ${this.id}`);
  }

  /** No kernel event exists for "session empty" (core polls this): one scan for live members. */
  async isEmpty(): Promise<boolean> {
    return (await this.entries()).length === 0;
  }

  async stats(): Promise<GroupStats> {
    return { pids: (await this.entries()).length };
  }

  async close(): Promise<void> {
    // Nothing was created: a session disappears with its last member.
  }

  /** Throws `GroupGoneError` when no live process belongs to the group. */
  async assertExists(): Promise<void> {
    if ((await this.entries()).length === 0) throw new GroupGoneError(this.id);
  }
}

/** `process.kill`: 'gone' on ESRCH, 'denied' on EPERM. */
function send(pid: number, signal: number): 'sent' | 'gone' | 'denied' {
  try {
    process.kill(pid, signal);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return 'gone';
    if (code === 'EPERM') return 'denied';
    throw error;
  }
  return 'sent';
}
