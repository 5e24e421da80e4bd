import type { ChildProcess, StdioOptions } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { ProcessGroupError } from './errors/index.js';
import type { Hold, SignalRound } from './rounds.js';

/**
 * The backends pg knows, in the order `auto` tries them (strongest first): the one list every
 * part of pg uses (selection, option checks, the CLI's help and `--backend`, `pg doctor`).
 */
export const BACKEND_NAMES = Object.freeze(['cgroup', 'contract', 'job', 'reaper', 'posix'] as const);

/** A backend by name: one of `BACKEND_NAMES`. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/**
 * What a backend promises on this machine (DESIGN.md, "Backends and what each guarantees").
 * Callers read this to decide whether a backend is strong enough for them; every `false` has a
 * note in `limits` saying what can go wrong.
 */
export interface Guarantees {
  /** The child is a member before it runs its first instruction of its own. */
  readonly memberBeforeFirstInstruction: boolean;
  /** Double-forked, `setsid` daemons stay members. */
  readonly daemonsStayMembers: boolean;
  /** `kill()` cannot miss a process forked while it runs. */
  readonly atomicKill: boolean;
  /** `signal()` reaches members forked during delivery (repeated passes, or a kernel primitive). */
  readonly signalReachesNewMembers: boolean;
  /** Emptiness is reported by a kernel event, not by scanning. */
  readonly emptyEvent: boolean;
  /** A signal can never reach a process that merely reused a member's pid. */
  readonly neverSignalsRecycledPid: boolean;
  /** Works without root here. */
  readonly unprivileged: boolean;
  /**
   * The group can die with the process that created it, even when that process is SIGKILLed
   * (`onOwnerExit: 'kill'`): a process of pg's that outlives the owner does the kill.
   */
  readonly diesWithOwner: boolean;
  /** Plain-language statements of what this backend does not guarantee. */
  readonly limits: readonly string[];
}

/** A live member of a group. Zombies awaiting reaping are not members. */
export interface Member {
  readonly pid: number;
  readonly ppid: number;
  /** The command line (argv joined by spaces), or the short name when argv is unreadable. */
  readonly command: string;
}

/** The answer of a backend's probe: whether it works here, and why (not). */
export interface ProbeResult {
  readonly backend: BackendName;
  readonly available: boolean;
  /** Why it is (un)available, in words a user can act on. */
  readonly reason: string;
  /** What the backend promises here; set when it is available. */
  readonly guarantees?: Guarantees;
}

/** Resource limits a backend may enforce for the whole group. */
export interface GroupLimits {
  /** Maximum number of processes (cgroup `pids.max`). */
  readonly pids?: number;
  /** Maximum memory in bytes (cgroup `memory.max`). */
  readonly memory?: number;
}

/** What core hands a backend to start the leader. Validated and resolved by core. */
export interface SpawnRequest {
  /** Absolute path of an existing executable (core resolves it against PATH first). */
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string | undefined;
  /** The complete environment of the leader. */
  readonly env: NodeJS.ProcessEnv;
  /** Passed to `child_process.spawn` unchanged: entries from 3 on reach the child at those fds. */
  readonly stdio: StdioOptions;
  /** A validated group name, or undefined for a generated one. */
  readonly name: string | undefined;
  readonly limits: GroupLimits | undefined;
  /** Decided by core: `'kill'` only where `guarantees().diesWithOwner`. */
  readonly onOwnerExit: OwnerExitPolicy;
}

/**
 * What happens to a group when the process that created it dies: `'kill'` ends the whole group
 * (even after a SIGKILL of the owner), `'keep'` leaves it running, orphaned, for `listGroups()`
 * and `openGroup()`.
 */
export type OwnerExitPolicy = 'kill' | 'keep';

/** Figures a backend can report for the whole group; absent where it has none. */
export interface GroupStats {
  readonly memoryBytes?: number;
  readonly cpuUsageMicros?: number;
  readonly pids?: number;
}

/** One group found by `listGroups()`. */
export interface GroupInfo {
  readonly backend: BackendName;
  readonly id: string;
  readonly name: string | undefined;
  /** The pid of the process that created the group, when known. */
  readonly ownerPid: number | undefined;
  /** The creating process is gone (checked by pid plus pidfd id or start time, never pid alone). */
  readonly orphaned: boolean;
  readonly memberCount: number;
}

/**
 * A group as a backend sees it: primitives only. Every loop and every policy lives in
 * `ProcessGroup` (core), written once for all backends: repeating signal passes until one finds
 * no new member (and the bound on that), kill-until-empty, polling with back-off where there is
 * no empty event, stop's escalation, the `empty` promise, AbortSignal, dispose, error wrapping
 * and the refusal of groups that hold PID 1 or the caller. A backend does one pass of each.
 */
export interface BackendGroup {
  /** Stable, printable; `attach(id)` re-opens it. */
  readonly id: string;
  /**
   * The leader, where this process spawned it as its own child (posix, contract, the cgroup
   * pre-exec placement); undefined for an attached group and where `leader` is set.
   */
  readonly child: ChildProcess | undefined;
  /**
   * The command the user asked for, where no `ChildProcess` of this process is it (the spawner
   * started it): its pid, stdio, exit and a kill. Undefined when `child` is the leader itself.
   */
  readonly leader?: LeaderHandle;
  /**
   * Settles if the process that held this group's lifeline (the pg-helper spawner) ends while the
   * group lives: the group then no longer dies with its owner, and the leader's status may be
   * unknown. Never settles otherwise.
   */
  readonly lost?: Promise<ProcessGroupError>;
  /**
   * Set for an attached group that pg did not create (a cgroup of a system service): says what
   * it is. `openGroup` refuses such a group unless `force` is given.
   */
  readonly foreign?: string;
  /** Live members now. Rejects with `GroupGoneError` when the group no longer exists. */
  members(): Promise<Member[]>;
  /**
   * One signal pass: deliver `round.signal` to every member found now whose identity is not yet
   * in `round.signalled`, adding the identity of each member signalled (pid plus start time or
   * pidfd id, so a recycled pid counts as new). Returns how many were signalled in this pass.
   * Core repeats passes until one returns 0, with the same round. Never called with SIGKILL
   * (see `killPass`).
   */
  signalPass(round: SignalRound): Promise<number>;
  /**
   * One kill pass: SIGKILL every member found now, those killed by an earlier pass included
   * (a second SIGKILL is harmless, a missed member is not). Core repeats it until the group is
   * empty. Resolving says nothing about emptiness.
   */
  killPass(): Promise<void>;
  /**
   * Resolves once no member is alive, from a kernel event. Stops watching when `abort` fires.
   * Rejects only if the group cannot be observed. Absent where the backend has no event: core
   * then polls `isEmpty()` with back-off.
   */
  watchEmpty?(abort: AbortSignal): Promise<void>;
  /** Whether no member is alive now: one cheap read (a file, a count), no loop. */
  isEmpty(): Promise<boolean>;
  /**
   * One pass of holding off forks for `hold.signal` (cgroup: ask for the freeze; reaper: SIGSTOP
   * each running member not yet stopped), recording in `hold` what it did. Resolves true once
   * nothing in the group can fork (cgroup: `frozen 1`; reaper: no member running). Core repeats
   * it, with back-off, within one bound (`HOLD_BOUND_MS`), then delivers the signal either way.
   * Absent where the backend cannot hold forks.
   */
  holdPass?(hold: Hold): Promise<boolean>;
  /** Undo exactly what `hold`'s passes did (thaw what it froze; continue what it stopped). */
  releaseHold?(hold: Hold): void;
  /**
   * Set where a kill pass is atomic against forks only once they are held (reaper: SIGKILL goes
   * to a tree stopped whole): core then holds before each kill pass.
   */
  readonly holdBeforeKill?: boolean;
  /** Per-group figures, where the backend has them. */
  stats(): Promise<GroupStats>;
  /** Release what this process holds and remove what the group created. Called once, when empty. */
  close(): Promise<void>;
  /** Hint that a kill just happened or the leader exited: re-check emptiness soon. */
  kick?(): void;
  /** Let this process exit while the group runs on (handles that keep the event loop alive). */
  unref?(): void;
}

/**
 * The command itself where no `ChildProcess` of this process is it: the spawner (or a helper it
 * started) created it. Carries what `group.leader` offers in place of a ChildProcess.
 */
export interface LeaderHandle {
  readonly pid: number;
  /** Settles when the command has exited (reported by whoever reaps it). Never rejects. */
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>;
  /** This process's end of each 'pipe' entry of the leader's stdio (index = its fd), null elsewhere. */
  readonly stdio: readonly (Readable | Writable | null)[];
  /** Send `signal` to the command itself (through its pidfd), SIGKILL and SIGSTOP included. */
  kill(signal: number): void;
  /** Let this process exit while the command runs. */
  unref(): void;
}

/**
 * What a backend can be asked for on this machine. Core checks every spawn option and every
 * signal against it before anything is created (no directory, process or handle), so a request
 * a backend cannot serve is one `InvalidOptionError` (an option) or `UnsupportedError` (a
 * signal), the same on every backend.
 */
export interface Capabilities {
  /** `stdio` may hold `'ipc'`: the leader gets a Node IPC channel to this process. */
  readonly ipc: boolean;
  /** Why there is no IPC channel here, for the error message; set when `ipc` is false. */
  readonly ipcNote?: string;
  /** The `limits` this backend enforces here (empty: none). */
  readonly limits: readonly (keyof GroupLimits)[];
  /** Why a limit is missing here (a controller not delegated, no resource control), for the error message. */
  readonly limitsNote?: string;
  /**
   * The signals `signal()` and `stop()` can deliver, by number; undefined: every signal of this
   * platform (`signalNumber`'s table).
   */
  readonly signals?: ReadonlySet<number>;
  /** What the signals mean where `signals` is set (Windows: terminate, console events). */
  readonly signalsNote?: string;
  /**
   * The signal `stop()` sends first when none is given; SIGTERM when absent. Where it is set and
   * cannot be delivered to this group (Windows: no console shared with the leader), `stop()`
   * kills at once instead of failing.
   */
  readonly stopSignal?: number;
}

/** A backend: a probe plus primitives. One file per backend under `backends/`. */
export interface Backend {
  readonly name: BackendName;
  /** Whether it works here, with the reason. Never throws. */
  probe(): Promise<ProbeResult>;
  guarantees(): Guarantees;
  /** What it can be asked for here (valid after a successful probe). */
  capabilities(): Capabilities;
  /** Start the leader inside a new group. Rejects with a `ProcessGroupError` leaving nothing behind. */
  spawn(request: SpawnRequest): Promise<BackendGroup>;
  /** Whether `id` has the shape of this backend's ids (a cgroup path, a number). No I/O. */
  recognizes(id: string): boolean;
  /** Attach to an existing group by its id. Rejects with `GroupGoneError` if there is none. */
  attach(id: string): Promise<BackendGroup>;
  /** Groups pg created on this host with this backend. */
  list(): Promise<GroupInfo[]>;
}
