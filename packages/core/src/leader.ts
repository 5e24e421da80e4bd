import type { ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { LeaderHandle } from './backend.js';
import { signalNumber, type SignalLike } from './signals.js';

/** How the leader ended: an exit code, or the signal that killed it. */
export interface LeaderExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * The command `spawnGroup` started, with its exit status as a promise.
 *
 * `process` is the `ChildProcess` this process holds: the command itself, or, on backends that
 * put pg's helper between (reaper; cgroup when the helper is built), the helper, whose stdio is
 * the command's, which forwards the signals it receives to the command and ends with the
 * command's status. `pid`, `exited`, `exitCode`, `signalCode` and `kill()` are always the
 * command's own.
 */
export class Leader {
  readonly process: ChildProcess;
  /** The command's pid: safe to use until `exited` settles (it is unreaped until then). */
  readonly pid: number;
  /** Settles when the command has exited and been reaped; never rejects. */
  readonly exited: Promise<LeaderExit>;
  readonly #handle: LeaderHandle | undefined;
  #exit: LeaderExit | undefined;

  constructor(child: ChildProcess, handle?: LeaderHandle) {
    this.process = child;
    this.#handle = handle;
    this.pid = handle?.pid ?? (child.pid as number);
    const exited: Promise<LeaderExit> =
      handle !== undefined
        ? handle.exited
        : child.exitCode !== null || child.signalCode !== null
          ? Promise.resolve({ code: child.exitCode, signal: child.signalCode })
          : new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    this.exited = exited.then((exit) => (this.#exit = exit));
  }

  /**
   * Sends `signal` to the command itself: through its pidfd where a helper sits in between (so
   * SIGKILL and SIGSTOP, which the helper cannot forward, reach it too), else as
   * `ChildProcess.kill` does. Returns false once the command has exited.
   */
  kill(signal: SignalLike = 'SIGTERM'): boolean {
    const n = signalNumber(signal);
    if (this.#exit !== undefined) return false;
    if (this.#handle === undefined) return this.process.kill(n);
    this.#handle.kill(n);
    return true;
  }

  get stdin(): Writable | null {
    return this.process.stdin;
  }
  get stdout(): Readable | null {
    return this.process.stdout;
  }
  get stderr(): Readable | null {
    return this.process.stderr;
  }
  /** The exit code, or null while running or when a signal killed it. */
  get exitCode(): number | null {
    return this.#handle === undefined ? this.process.exitCode : (this.#exit?.code ?? null);
  }
  /** The signal that killed the leader, or null. */
  get signalCode(): NodeJS.Signals | null {
    return this.#handle === undefined ? this.process.signalCode : (this.#exit?.signal ?? null);
  }
}
