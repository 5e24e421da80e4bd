import type { ChildProcess, StdioOptions } from 'node:child_process';

/** The backends pg knows, strongest first. */
export type BackendName = 'cgroup' | 'contract' | 'posix';

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
}

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
 * A group as a backend sees it: primitives only. Lifecycle policy (stop's escalation, the
 * `empty` promise, AbortSignal, dispose, error wrapping) lives in `ProcessGroup`, once for all.
 */
export interface BackendGroup {
  /** Stable, printable; `attach(id)` re-opens it. */
  readonly id: string;
  /** Set when this process spawned the leader; undefined for an attached group. */
  readonly child: ChildProcess | undefined;
  /** Live members now. Rejects with `GroupGoneError` when the group no longer exists. */
  members(): Promise<Member[]>;
  /** Deliver `signal` to every member, repeating until a pass finds no new member. */
  signal(signal: number): Promise<void>;
  /** SIGKILL every member. Resolving does not mean empty: core awaits `watchEmpty()` after. */
  kill(): Promise<void>;
  /**
   * Resolves once no member is alive, from a kernel event where the backend has one. Stops
   * watching when `abort` fires. Rejects only if the group cannot be observed.
   */
  watchEmpty(abort: AbortSignal): Promise<void>;
  /** Per-group figures, where the backend has them. */
  stats(): Promise<GroupStats>;
  /** Release what this process holds and remove what the group created. Called once, when empty. */
  close(): Promise<void>;
  /** Hint that a kill just happened and emptiness should be re-checked soon. */
  kick?(): void;
}

/** A backend: a probe plus primitives. One file per backend under `backends/`. */
export interface Backend {
  readonly name: BackendName;
  /** Whether it works here, with the reason. Never throws. */
  probe(): Promise<ProbeResult>;
  guarantees(): Guarantees;
  /** Start the leader inside a new group. Rejects with a `ProcessGroupError` leaving nothing behind. */
  spawn(request: SpawnRequest): Promise<BackendGroup>;
  /** Whether `id` has the shape of this backend's ids (a cgroup path, a number). No I/O. */
  recognizes(id: string): boolean;
  /** Attach to an existing group by its id. Rejects with `GroupGoneError` if there is none. */
  attach(id: string): Promise<BackendGroup>;
  /** Groups pg created on this host with this backend. */
  list(): Promise<GroupInfo[]>;
}
