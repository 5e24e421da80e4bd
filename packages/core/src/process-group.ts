import type { Backend, BackendGroup, BackendName, Capabilities, GroupStats, Guarantees, Member, OwnerExitPolicy } from './backend.js';
import { checkSignalAgainst } from './capabilities.js';
import { delay } from './delay.js';
import { GroupGoneError, InvalidOptionError, RefusedGroupError, UnstoppableGroupError, UnsupportedError, type ProcessGroupError } from './errors/index.js';
import { killUntilEmpty, pollUntilEmpty, signalUntilNoneNew } from './group-loops.js';
import { Leader } from './leader.js';
import { releaseOutput } from './backends/output-hold.js';
import { platformSignal, SIGKILL, signalNumber, type SignalLike } from './signals.js';

/** How long `stop()` waits for the group to empty before SIGKILL, unless told otherwise. */
export const DEFAULT_STOP_TIMEOUT_MS = 5000;

/** Options of `stop()`. */
export interface StopOptions {
  /** The first signal (default `'SIGTERM'`; the job backend on Windows: `'SIGBREAK'`, a console event). */
  readonly signal?: SignalLike;
  /** Milliseconds to wait for the group to empty before SIGKILL (default `DEFAULT_STOP_TIMEOUT_MS`, 5000). */
  readonly timeout?: number;
}


/**
 * A running group of processes. All lifecycle policy lives here, the same for every backend:
 * the signal passes and their bound, kill-until-empty, polling where a backend has no empty
 * event (`group-loops.ts`), `stop()`'s escalation, the `empty` promise, AbortSignal handling,
 * dispose and clean-up. A backend supplies one pass of each primitive.
 * Once the group is empty it is closed: what it created (a cgroup directory, fds) is removed,
 * `members()` returns `[]` and `signal()` does nothing.
 */
export class ProcessGroup implements AsyncDisposable {
  /** The backend in use: one of `BACKEND_NAMES`. */
  readonly backend: BackendName;
  /** Stable and printable (cgroup path, contract id, or pgid); `openGroup(id)` re-attaches. */
  readonly id: string;
  /** What this backend promises here. */
  readonly guarantees: Guarantees;
  /** The spawned leader; undefined for a group attached with `openGroup`. */
  readonly leader: Leader | undefined;
  /**
   * Settles once no member is alive (zombies are not members), observed from the kernel where
   * the backend can, and, for a spawned group, once the leader's exit has been collected.
   */
  readonly empty: Promise<void>;
  /**
   * Settles with a `SpawnerLostError` naming the pg-helper spawner if it ends (it was killed)
   * while this group lives: the group no longer dies with its owner, and `leader`'s status may be
   * unknown. pg then kills the group if it was spawned with `onOwnerExit: 'kill'` (it can still
   * reach it), and the next `spawnGroup` starts a new spawner. Never settles otherwise, and never
   * for groups the spawner did not start.
   */
  readonly spawnerLost: Promise<ProcessGroupError>;

  readonly #group: BackendGroup;
  readonly #can: Capabilities;
  readonly #watch = new AbortController();
  /** Seen empty: from here on nothing is signalled and members are `[]`. */
  #closing = false;
  /** What the group created has been removed. */
  #closed = false;
  #disposing: Promise<void> | undefined;

  /** Wakes the poll for emptiness (backends without an empty event). */
  #wakePoll: (() => void) | undefined;

  /** @internal Use `spawnGroup` or `openGroup`. */
  constructor(backend: Pick<Backend, 'name' | 'guarantees' | 'capabilities'>, group: BackendGroup, options: { onOwnerExit?: OwnerExitPolicy } = {}) {
    this.backend = backend.name;
    this.guarantees = backend.guarantees();
    this.#can = backend.capabilities();
    this.id = group.id;
    this.#group = group;
    this.leader = group.child === undefined && group.leader === undefined ? undefined : new Leader(group.child, group.leader);
    // Handed over now: the caller reads the leader's output from here on.
    if (group.child !== undefined) releaseOutput(group.child);
    // The leader's exit often empties the group: re-check soon rather than wait out the
    // rate limit of the backend's empty event (cgroup.events: ~12 ms).
    const leaderDone = this.leader?.exited.then(() => this.#kick());
    // A ChildProcess of ours is reaped by libuv: wait for that too, so that no zombie of ours
    // outlives `empty`.
    const childDone = group.child === undefined ? undefined : reaped(group.child);
    const emptied =
      group.watchEmpty !== undefined
        ? group.watchEmpty(this.#watch.signal)
        : pollUntilEmpty(group, this.#watch.signal, (wake) => (this.#wakePoll = wake));
    this.empty = Promise.all([emptied, leaderDone, childDone]).then(() => this.#close());
    // `empty` is observed by kill/stop/dispose; a caller who never awaits it must not see an
    // unhandled rejection, while one who does still gets the error.
    this.empty.catch(() => undefined);
    this.spawnerLost = group.lost ?? new Promise(() => undefined);
    // Its lifeline is gone: a group that was to die with its owner is killed now, while this
    // process can still reach it, rather than left to outlive it.
    if (options.onOwnerExit === 'kill') void this.spawnerLost.then(() => this.kill()).catch(() => undefined);
  }

  /** Whether the group has been seen empty and closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The live members now, `[{ pid, ppid, command }]`. */
  async members(): Promise<Member[]> {
    if (this.#closing) return [];
    return (await this.#unlessClosed(() => this.#group.members())) ?? [];
  }

  /** Group-wide figures where the backend has them (memory, cpu, pids). */
  async stats(): Promise<GroupStats> {
    if (this.#closing) return { pids: 0 };
    return (await this.#unlessClosed(() => this.#group.stats())) ?? { pids: 0 };
  }

  /**
   * Sends `signal` (name or number) to every member, including members forked during delivery
   * where the backend can (see `guarantees`). Signalling an empty group is not an error.
   */
  async signal(signal: SignalLike): Promise<void> {
    const n = signalNumber(signal);
    checkSignalAgainst(this.backend, this.#can, n);
    if (this.#closing) return;
    if (n === SIGKILL) return this.kill();
    await this.#deliver(n);
  }

  /**
   * Graceful stop, as service managers do it: `signal` (default SIGTERM) to every member, then
   * SIGCONT so stopped members can act on it, wait up to `timeout` ms for the group to empty,
   * then SIGKILL what is left. A group that keeps forking through every signal pass is killed at
   * once. Resolves when the group is empty.
   */
  async stop(options: StopOptions = {}): Promise<void> {
    const signal = signalNumber(options.signal ?? this.#can.stopSignal ?? 'SIGTERM', 'signal');
    const backendDefault = options.signal === undefined && this.#can.stopSignal !== undefined;
    const timeout = options.timeout ?? DEFAULT_STOP_TIMEOUT_MS;
    if (!Number.isFinite(timeout) || timeout < 0) throw new InvalidOptionError('timeout', timeout, 'a number of milliseconds >= 0');
    checkSignalAgainst(this.backend, this.#can, signal);
    if (this.#closing) return;
    if (signal === SIGKILL) return this.kill();
    try {
      await this.#deliver(signal);
      // Windows has no SIGCONT (nor stopped processes).
      const cont = platformSignal('SIGCONT');
      if (cont !== undefined && signal !== cont && (this.#can.signals?.has(cont) ?? true)) await this.#deliver(cont);
    } catch (error) {
      // A group that forks faster than its members can be signalled (where the backend cannot
      // hold forks off) is still stopped: by SIGKILL, at once.
      // The backend's own first signal that cannot reach this group (Windows: a console event
      // with no shared console) is no reason to fail a stop either.
      if (!UnstoppableGroupError.isInstance(error) && !(backendDefault && UnsupportedError.isInstance(error))) throw error;
      return this.kill();
    }
    const timer = new AbortController();
    const emptied = await Promise.race([this.empty.then(() => true), delay(timeout, timer.signal).then(() => false)]).finally(() => timer.abort());
    if (!emptied) await this.kill();
    await this.empty;
  }

  /**
   * SIGKILL to every member, again and again until the group is provably empty: a member that a
   * pass missed (forked meanwhile, or moved to another process group between a scan and the
   * kill) is killed by the next. Rejects with `UnstoppableGroupError` if members are still alive
   * 30 s after the first SIGKILL.
   */
  async kill(): Promise<void> {
    if (this.#closing) return this.empty;
    await this.#unlessClosed(() => killUntilEmpty(this.#group, this.empty, () => this.#kick()));
    await this.empty;
  }

  /**
   * Lets this process exit while the group runs on: the leader's `ChildProcess` (and, where a
   * helper stands in front of it, its control channel) no longer keep the event loop alive. For a
   * group that must outlive this process, spawn it with `onOwnerExit: 'keep'`.
   */
  unref(): void {
    this.leader?.unref();
    this.#group.unref?.();
  }

  /** Kill and clean up; harmless to call twice. */
  [Symbol.asyncDispose](): Promise<void> {
    this.#disposing ??= this.kill();
    return this.#disposing;
  }

  /** One signal to every member, pass after pass until none is new (never SIGKILL: see kill). */
  async #deliver(signal: number): Promise<void> {
    await this.#unlessClosed(() => signalUntilNoneNew(this.#group, signal));
  }

  /** Emptiness is worth re-checking now: the backend's event re-read, or the poll woken. */
  #kick(): void {
    this.#group.kick?.();
    this.#wakePoll?.();
  }

  /**
   * @internal Refuses a group that holds PID 1 or this very process: a posix id names any
   * session and a cgroup path any cgroup, so `openGroup('1')` must not become a way to signal
   * init's session or to kill the caller. Called by `openGroup` before the group is handed out.
   */
  async refuseProtected(): Promise<void> {
    const members = await this.members();
    const held = members.find((m) => m.pid === 1 || m.pid === process.pid);
    if (held === undefined) return;
    this.#watch.abort(WATCH_ENDED);
    const what = held.pid === 1 ? 'PID 1 (init)' : `this process (pid ${process.pid})`;
    throw new RefusedGroupError(this.id, `refusing group ${this.id}: it contains ${what}; signalling it would reach the system or the caller itself`);
  }

  /**
   * Runs a backend operation; if the group empties and is closed (its cgroup directory removed)
   * while the operation runs, the `GroupGoneError` it then meets means "already done", not a
   * failure. A group removed from outside, while this process had not seen it empty, still
   * rejects with `GroupGoneError`.
   */
  async #unlessClosed<T>(operation: () => Promise<T>): Promise<T | undefined> {
    try {
      return await operation();
    } catch (error) {
      if (this.#closing && GroupGoneError.isInstance(error)) return undefined;
      throw error;
    }
  }

  async #close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    this.#watch.abort(WATCH_ENDED);
    await this.#group.close();
    this.#closed = true;
  }
}

/**
 * The reason the empty watch is aborted with (closed, or refused): one shared value, since an
 * abort without a reason builds a DOMException each time and nobody reads it.
 */
const WATCH_ENDED = new Error('the group is no longer watched');

/** Settles when libuv has reaped `child` (its `exit` event), at once if it already has. */
function reaped(child: import('node:child_process').ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
