/**
 * The state of one operation on a group (one `signal()`, one hold of forks), kept by core for the
 * length of the operation and handed to every pass a backend makes. Backends keep nothing
 * between passes themselves: what a pass must know about the passes before it is here.
 */

/** One signal operation: every pass of it gets the same round. */
export class SignalRound {
  /** The signal being delivered (never SIGKILL: kills are `killPass`). */
  readonly signal: number;
  /**
   * The members signalled so far, by identity (pid plus pidfd id or start time), so a pid
   * recycled by a new process counts as new.
   */
  readonly signalled = new Set<string>();
  /**
   * When each pid was signalled in this operation, on the backend's process clock (Linux: clock
   * ticks since boot, comparable with /proc start times; illumos: nanoseconds, as psinfo's
   * `pr_start`). Recorded only by backends that cannot hold forks off.
   */
  readonly sentAt = new Map<number, number>();

  constructor(signal: number) {
    this.signal = signal;
  }

  /**
   * Whether a member that started at `start` is a child its parent `ppid` forked after the parent
   * took this signal. Such a child is not a new member to signal: the kernel restarts a fork when
   * a signal arrives during it (Linux copy_process, illumos cfork), so a child born after the
   * signal was sent exists only because its parent already handled it. `slack` is the clock's
   * granularity (one tick on Linux), so a child born in the same tick is still signalled.
   * This is what lets a backend that cannot freeze the group finish on a tree that traps the
   * signal and keeps forking.
   */
  bornAfterParentSignalled(ppid: number, start: number, slack: number): boolean {
    const parentAt = this.sentAt.get(ppid);
    return parentAt !== undefined && start > parentAt + slack;
  }
}

/**
 * One hold of forks (a frozen cgroup; a stopped reaper tree) while core delivers a signal, and
 * what its passes did, so that the release undoes exactly that.
 */
export class Hold {
  /** The signal the hold is for (SIGKILL when it precedes a kill pass). */
  readonly signal: number;
  /** Pids this hold stopped (reaper): the release continues exactly these. */
  readonly stopped = new Set<number>();
  /** Identities this hold signalled (pid plus pidfd id or start time). */
  readonly signalled = new Set<string>();
  /** This hold froze the group (cgroup); false when it was frozen before, so the release leaves it so. */
  froze = false;

  constructor(signal: number) {
    this.signal = signal;
  }
}
