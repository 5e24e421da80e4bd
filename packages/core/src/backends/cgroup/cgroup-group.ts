import type { ChildProcess } from 'node:child_process';
import { Cgroup, CgroupError, readCpuStat, readMemoryCurrent, readPidsCurrent, removeBaseIfEmpty, signalPass, type GroupBase } from '@pg/cgroup';
import type { Pidfd } from '@pg/pidfd';
import type { BackendGroup, GroupStats, LeaderHandle, Member } from '../../backend.js';
import type { Hold, SignalRound } from '../../rounds.js';
import { GroupGoneError, type ProcessGroupError } from '../../errors/index.js';
import { toCoreError } from './errors.js';
import { madeByPg } from './locate.js';
import { describeMembers } from './members.js';

/**
 * A group that is one cgroup v2 directory. Membership is the kernel's: every process forked
 * inside stays inside, `setsid` daemons included. Holds at most one fd (the leader's pidfd) and
 * one inotify watch (while `watchEmpty` runs); `close()` releases both and removes the directory
 * if pg created it.
 */
export class CgroupGroup implements BackendGroup {
  readonly id: string;
  readonly child: ChildProcess | undefined;
  readonly foreign: string | undefined;
  /** The command, when the spawner created it (`child` is then undefined). */
  readonly leader: LeaderHandle | undefined;
  /** Settles if the spawner that holds this group's lifeline ends first. */
  readonly lost: Promise<ProcessGroupError> | undefined;
  /** Tells the spawner this process is done with the group. */
  readonly #release: (() => void) | undefined;
  readonly #group: Cgroup;
  readonly #base: GroupBase | undefined;
  /** The leader, tracked by pidfd: a signal to it can never reach a recycled pid. */
  readonly #leader: Pidfd | undefined;
  #kick: (() => void) | undefined;
  #closed = false;

  constructor(
    id: string,
    group: Cgroup,
    options: {
      child?: ChildProcess;
      leader?: Pidfd;
      base?: GroupBase;
      spawned?: { leader: LeaderHandle & { lost: Promise<ProcessGroupError> }; release(): void };
    } = {},
  ) {
    this.id = id;
    this.#group = group;
    this.child = options.child;
    this.#leader = options.leader;
    this.leader = options.spawned?.leader;
    this.lost = options.spawned?.leader.lost;
    this.#release = options.spawned?.release;
    this.#base = options.base;
    this.foreign = madeByPg(group.dir) ? undefined : `${group.dir} is a cgroup pg did not create`;
  }

  /** The cgroup directory. */
  get dir(): string {
    return this.#group.dir;
  }

  async members(): Promise<Member[]> {
    let pids: number[];
    try {
      pids = this.#group.members();
    } catch (error) {
      throw this.#wrap(error, 'listing members of');
    }
    return describeMembers(pids);
  }

  /** One pass: each member not yet signalled, through a pidfd checked to be in the group after opening. */
  async signalPass(round: SignalRound): Promise<number> {
    try {
      return signalPass(this.#group, round.signal, round.signalled);
    } catch (error) {
      throw this.#wrap(error, `sending signal ${round.signal} to`);
    }
  }

  /**
   * One hold pass: freeze (a frozen member cannot fork) and say whether the kernel reports the
   * group frozen (or empty). A group frozen before, by someone else, is held already and stays
   * frozen after; without `cgroup.freeze` there is nothing to hold.
   * Note: a frozen task whose default action for a signal is fatal dies at once; one with a handler
   * runs it only after the thaw.
   */
  async holdPass(hold: Hold): Promise<boolean> {
    try {
      if (!hold.froze) {
        if (this.#group.freezeRequested() !== false) return true;
        this.#group.requestFreeze();
        hold.froze = true;
      }
      const events = this.#group.events();
      return events.frozen || !events.populated;
    } catch (error) {
      throw this.#wrap(error, 'freezing');
    }
  }

  /** Thaw, if this hold froze it. A group already gone is not an error. */
  releaseHold(hold: Hold): void {
    if (hold.froze) this.#group.thaw();
  }

  /** One write of `1` to `cgroup.kill`: atomic against forks, recursive, stopped members included. */
  async killPass(): Promise<void> {
    try {
      this.#group.kill();
    } catch (error) {
      throw this.#wrap(error, 'killing');
    }
  }

  /** `populated 0` in cgroup.events, read now. */
  async isEmpty(): Promise<boolean> {
    try {
      return !this.#group.populated();
    } catch (error) {
      throw this.#wrap(error, 'reading cgroup.events of');
    }
  }

  /**
   * `populated 0` in cgroup.events, seen through inotify (plus the short re-reads `kick` starts,
   * which core asks for when the leader exits or after a kill: the notification is rate-limited).
   */
  async watchEmpty(abort: AbortSignal): Promise<void> {
    for (let wait = 1; ; wait = Math.min(wait * 2, 100)) {
      const watch = this.#group.waitUntilEmpty({ signal: abort });
      this.#kick = watch.kick;
      try {
        await watch;
        return;
      } catch (error) {
        if (abort.aborted) return;
        // Out of fds (this process or the system): the watch could not start or read. The group
        // lives on regardless; try again shortly rather than fail `empty` (fds come back).
        if (!(CgroupError.isInstance(error) && (error.code === 'EMFILE' || error.code === 'ENFILE'))) throw this.#wrap(error, 'watching');
      } finally {
        this.#kick = undefined;
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  /**
   * cgroup.events notifications are rate-limited (~12 ms apart): after a kill, re-read the file
   * on a short timer so emptiness is seen in ~1 ms, not ~12.
   */
  kick(): void {
    this.#kick?.();
  }

  /** Let this process exit while the group runs on (the leader's handle is unref'd by core). */
  unref(): void {}

  async stats(): Promise<GroupStats> {
    try {
      const memory = readMemoryCurrent(this.#group);
      const cpu = readCpuStat(this.#group)?.usage_usec;
      const pids = readPidsCurrent(this.#group) ?? this.#group.members().length;
      return { ...(memory === undefined ? {} : { memoryBytes: memory }), ...(cpu === undefined ? {} : { cpuUsageMicros: cpu }), pids };
    } catch (error) {
      throw this.#wrap(error, 'reading stats of');
    }
  }

  /**
   * Close the leader's pidfd and remove the directory (retrying EBUSY while the last killed
   * members finish exiting), then the `pg` base if no group is left in it. A directory pg did
   * not create (an attached foreign cgroup) is left alone.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#leader?.close();
    this.#release?.();
    if (!madeByPg(this.#group.dir)) return;
    try {
      await this.#group.remove();
    } catch (error) {
      throw this.#wrap(error, 'removing');
    }
    if (this.#base !== undefined) removeBaseIfEmpty(this.#base);
  }

  #wrap(error: unknown, doing: string): unknown {
    if (CgroupError.isInstance(error) && error.code === 'ENOENT' && !this.#group.exists()) {
      return new GroupGoneError(this.id, undefined, { cause: error });
    }
    return toCoreError(error, this.id, doing);
  }
}
