import type { ChildProcess } from 'node:child_process';
import type { SpawnedHelper } from '@pg/helper';
import { signalIfMember } from '@pg/pidfd';
import { descendantStats, readStat, startTimeOf, type ProcStat } from '@pg/procfs';
import type { BackendGroup, GroupStats, LeaderHandle, Member } from '../../backend.js';
import { GroupGoneError, PermissionError } from '../../errors/index.js';
import type { Hold, SignalRound } from '../../rounds.js';
import { platformSignal, SIGKILL } from '../../signals.js';
import { ProcMember } from '../proc-member.js';

// This backend runs on Linux only, where both exist.
const SIGSTOP = platformSignal('SIGSTOP') as number;
const SIGCONT = platformSignal('SIGCONT') as number;

/** The helper in front of a reaper group: its pid and start time (its identity; pids are recycled). */
export interface HelperIdentity {
  readonly pid: number;
  readonly startTime: string;
}

/** The printable id of a reaper group: the helper's pid and start time. */
export function reaperId(helper: HelperIdentity): string {
  return `reaper:${helper.pid}.${helper.startTime}`;
}

/** The helper identity of a reaper id, or undefined when `id` is not one. */
export function parseReaperId(id: string): HelperIdentity | undefined {
  const match = /^reaper:([1-9]\d*)\.(\d+)$/.exec(id);
  return match === null ? undefined : { pid: Number(match[1]), startTime: match[2] as string };
}

/**
 * A group whose members are the descendants of one pg-helper, a child subreaper: every orphan
 * of the group reparents to it, so nothing can leave by daemonizing, and the helper exits only
 * when it has no child left, which is the group's empty event. Members are found by walking
 * `/proc/PID/task/*\/children` from the helper (the cost grows with the group, not the host);
 * each is signalled through a pidfd after its ancestry is re-checked, so a recycled pid is
 * never signalled.
 */
export class ReaperGroup implements BackendGroup {
  readonly id: string;
  readonly child: ChildProcess | undefined;
  readonly leader: LeaderHandle | undefined;
  readonly #helper: HelperIdentity;
  /** The helper's exit, for the group this process spawned: the kernel's word that it is empty. */
  readonly watchEmpty: ((abort: AbortSignal) => Promise<void>) | undefined;

  readonly #spawned: SpawnedHelper | undefined;

  constructor(helper: HelperIdentity, options: { leader?: LeaderHandle; spawned?: SpawnedHelper } = {}) {
    this.#helper = helper;
    this.id = reaperId(helper);
    this.child = undefined;
    this.leader = options.leader;
    this.#spawned = options.spawned;
    const spawned = options.spawned;
    // The helper's end closes its control socket (it holds the only far end): the group is
    // empty. Only the process holding the near end sees that; a group opened elsewhere is polled.
    if (spawned !== undefined) this.watchEmpty = (abort) => helperEnded(spawned, abort);
  }

  /** Whether the helper still runs: same pid, same start time, not a zombie. */
  helperAlive(): boolean {
    const stat = readStat(this.#helper.pid);
    return stat !== undefined && !stat.zombie && stat.startTime === this.#helper.startTime;
  }

  /** The live descendants of the helper now (zombies are not members), with their stat. */
  #memberStats(): ProcStat[] {
    if (!this.helperAlive()) return [];
    return descendantStats(this.#helper.pid).filter((stat) => !stat.zombie);
  }

  /** The live descendants of the helper now (zombies are not members). */
  memberPids(): number[] {
    return this.#memberStats().map((stat) => stat.pid);
  }

  async members(): Promise<Member[]> {
    return this.#memberStats().map((stat) => new ProcMember(stat.pid, stat.ppid));
  }

  async signalPass(round: SignalRound): Promise<number> {
    return this.#signalEach(this.memberPids(), round.signal, round.signalled);
  }

  /** SIGKILL to every member of one walk. Core holds the tree first (`holdBeforeKill`): a stopped process cannot fork. */
  async killPass(): Promise<void> {
    await this.#signalEach(this.memberPids(), SIGKILL, new Set());
  }

  /** A tree is stopped whole before each kill pass, as a frozen cgroup would be. */
  readonly holdBeforeKill = true;

  /**
   * One hold pass, as a frozen cgroup holds forks: SIGSTOP each running member not yet stopped
   * by this hold, and say whether none runs any more. Each member's state is the walk's own read:
   * a member stopped when read (by this hold or by someone else) cannot fork, and its children
   * file, read after, is complete.
   */
  async holdPass(hold: Hold): Promise<boolean> {
    const members = this.#memberStats();
    const known = new Set([this.#helper.pid, ...members.map((m) => m.pid)]);
    let running = 0;
    for (const member of members) {
      if (STOPPED_STATES.has(member.state)) continue;
      running++;
      if (this.#signalMember(member.pid, SIGSTOP, hold.signalled, known) === 'sent') hold.stopped.add(member.pid);
    }
    return running === 0;
  }

  /** SIGCONT to exactly the members this hold stopped (members stopped before stay stopped). */
  releaseHold(hold: Hold): void {
    const known = new Set([this.#helper.pid, ...this.memberPids()]);
    for (const pid of hold.stopped) this.#signalMember(pid, SIGCONT, new Set(), known);
  }

  /** Signals each of `pids` not yet in `signalled`; how many were sent. @throws PermissionError on EPERM. */
  #signalEach(pids: number[], signal: number, signalled: Set<string>): number {
    let sent = 0;
    let denied: unknown;
    const known = new Set([this.#helper.pid, ...pids]);
    for (const pid of pids) {
      const result = this.#signalMember(pid, signal, signalled, known);
      if (result === 'sent') sent++;
      else if (result !== 'skip') denied ??= result;
    }
    if (denied !== undefined) throw new PermissionError(`not allowed to signal a member of group ${this.id}`, { cause: denied });
    return sent;
  }

  async isEmpty(): Promise<boolean> {
    return !this.helperAlive();
  }

  async stats(): Promise<GroupStats> {
    return { pids: this.memberPids().length };
  }

  async close(): Promise<void> {
    // Nothing was created: the helper has exited (that was the empty event) and took its
    // control socket with it; the spawner forgets it. A group opened from elsewhere holds nothing.
    this.#spawned?.release();
  }

  /** Let this process exit while the group runs on: the control socket no longer holds the loop. */
  unref(): void {
    this.#spawned?.unref();
  }

  /** Throws `GroupGoneError` when the helper no longer runs. */
  assertExists(): void {
    if (!this.helperAlive()) throw new GroupGoneError(this.id);
  }

  /**
   * 'sent', 'skip' (gone, not a member, already signalled), or the EPERM error. Membership is
   * checked after the pidfd is open, so the answer is about the process it holds: its parent is
   * the helper or a process of the walk (`known`), which makes it a descendant.
   */
  #signalMember(pid: number, signal: number, signalled: Set<string>, known: ReadonlySet<number>): 'sent' | 'skip' | unknown {
    const result = signalIfMember(pid, signal, () => childOfKnown(pid, known), signalled, startTimeOf);
    if (result === 'no-pidfd') throw new PermissionError(`pidfds do not work here: group ${this.id} cannot be signalled without risking a recycled pid`);
    return result;
  }
}

/** Whether `pid` is alive and its parent is one of `known` (the helper, or a member of the walk). */
function childOfKnown(pid: number, known: ReadonlySet<number>): boolean {
  const stat = readStat(pid);
  return stat !== undefined && !stat.zombie && known.has(stat.ppid);
}

/**
 * Stopped (T), traced (t) or already dead (Z, X): none of these can fork. pg-helper's kill when
 * its owner dies uses the same set (helper.c).
 */
const STOPPED_STATES = new Set(['T', 't', 'Z', 'X', 'x']);

/** Resolves when the helper has ended (its control socket closed), or when `abort` fires. */
function helperEnded(spawned: SpawnedHelper, abort: AbortSignal): Promise<void> {
  if (abort.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      abort.removeEventListener('abort', done);
      resolve();
    };
    void spawned.ended.then(done);
    abort.addEventListener('abort', done, { once: true });
  });
}

