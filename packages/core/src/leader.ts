import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import type { LeaderHandle } from './backend.js';
import { signalNumber, type SignalLike } from './signals.js';

/** How the leader ended: an exit code, or the signal that killed it. */
export interface LeaderExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * The command `spawnGroup` started: what users of `child_process` rely on, on every backend.
 * `pid`, `stdin`/`stdout`/`stderr` (Node streams for 'pipe' entries, null otherwise), `stdio`
 * (every entry by fd number), `exitCode`, `signalCode`, the `'exit'` event `(code, signal)` and
 * the `exited` promise, and `kill(signal)`.
 *
 * Where pg's spawner creates the leader (cgroup with pg-helper, reaper), the command is a child of
 * the spawner, not of this process: there is no `ChildProcess`, and its streams are `net.Socket`s
 * on close-on-exec pipes. If the spawner dies first, `exited` settles with `{ code: null,
 * signal: null }` unless the kernel still tells the status (see `ProcessGroup.spawnerLost`).
 */
export class Leader extends EventEmitter<{ exit: [code: number | null, signal: NodeJS.Signals | null] }> {
  /** The command's pid: safe to use until `exited` settles (it is unreaped until then). */
  readonly pid: number;
  /** Settles when the command has exited and been reaped; never rejects. */
  readonly exited: Promise<LeaderExit>;
  /** This process's end of each 'pipe' entry (index = the command's fd), null elsewhere. */
  readonly stdio: readonly (Readable | Writable | null)[];
  readonly #child: ChildProcess | undefined;
  readonly #handle: LeaderHandle | undefined;
  #exit: LeaderExit | undefined;

  /** @internal Built by `ProcessGroup` from what the backend returned. */
  constructor(child: ChildProcess | undefined, handle: LeaderHandle | undefined) {
    super();
    this.#child = child;
    this.#handle = handle;
    if (handle !== undefined) {
      this.pid = handle.pid;
      this.stdio = handle.stdio;
    } else if (child !== undefined) {
      this.pid = child.pid as number;
      this.stdio = child.stdio.map((s) => s ?? null) as (Readable | Writable | null)[];
    } else {
      throw new TypeError('a leader needs a ChildProcess or a handle');
    }
    const exited: Promise<LeaderExit> =
      handle !== undefined
        ? handle.exited
        : child!.exitCode !== null || child!.signalCode !== null
          ? Promise.resolve({ code: child!.exitCode, signal: child!.signalCode })
          : new Promise((resolve) => child!.once('exit', (code, signal) => resolve({ code, signal })));
    this.exited = exited.then((exit) => {
      this.#exit = exit;
      // On a later turn of the event loop, never in this microtask: a leader that exited while
      // spawnGroup was still at work would otherwise emit before its caller, just handed the
      // group, could listen (a ChildProcess never emits before spawn() has returned).
      setImmediate(() => this.emit('exit', exit.code, exit.signal));
      return exit;
    });
  }

  /**
   * Sends `signal` to the command itself: through its pidfd where the spawner started it (a
   * recycled pid is never hit), else as `ChildProcess.kill` does. Returns false once the command
   * has exited.
   */
  kill(signal: SignalLike = 'SIGTERM'): boolean {
    const n = signalNumber(signal);
    if (this.#exit !== undefined) return false;
    if (this.#handle === undefined) return (this.#child as ChildProcess).kill(n);
    this.#handle.kill(n);
    return true;
  }

  get stdin(): Writable | null {
    return (this.stdio[0] ?? null) as Writable | null;
  }
  get stdout(): Readable | null {
    return (this.stdio[1] ?? null) as Readable | null;
  }
  get stderr(): Readable | null {
    return (this.stdio[2] ?? null) as Readable | null;
  }
  /** The exit code, or null while running or when a signal killed it. */
  get exitCode(): number | null {
    return this.#exit?.code ?? null;
  }
  /** The signal that killed the leader, or null. */
  get signalCode(): NodeJS.Signals | null {
    return this.#exit?.signal ?? null;
  }

  /** @internal Let this process exit while the command runs (`ProcessGroup.unref`). */
  unref(): void {
    if (this.#handle !== undefined) this.#handle.unref();
    else this.#child?.unref();
  }
}
