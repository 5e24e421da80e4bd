import { PidfdError, reapNoHang } from '@pg/pidfd';
import { childrenOf, readStat } from '@pg/procfs';
import { isOwnedChild } from './owned-children.js';

/** An orphan reaped, with how it ended. */
export interface Reaped {
  readonly pid: number;
  readonly exitCode: number | null;
  readonly signal: string | null;
}

/**
 * Reaps the zombies among this process's children that `child_process` does not own: orphans
 * that reparented to us because we are PID 1 or a child subreaper. Never `waitpid(-1)` nor
 * `waitid(P_ALL)`: those would take libuv's children too (docs/linux.md#subreaper).
 */
export class OrphanReaper {
  #listening = false;
  readonly #onReaped: (r: Reaped) => void;
  readonly #onError: (error: unknown) => void;
  readonly #onSigchld = () => this.reapAll();

  /** `onError` gets a failure of waitpid other than ECHILD (no FFI here); reaping then stops. */
  constructor(onReaped: (r: Reaped) => void, onError: (error: unknown) => void) {
    this.#onReaped = onReaped;
    this.#onError = onError;
  }

  /** Reap on every SIGCHLD from now on, and once now for zombies that were already there. */
  start(): void {
    if (!this.#listening) process.on('SIGCHLD', this.#onSigchld);
    this.#listening = true;
    this.reapAll();
  }

  /** Stops reaping on SIGCHLD (`reapAll()` still works). */
  stop(): void {
    process.off('SIGCHLD', this.#onSigchld);
    this.#listening = false;
  }

  /**
   * Passes until one reaps nothing: SIGCHLDs that arrive together are delivered as one, so one
   * signal may stand for many dead children. Returns how many were reaped.
   */
  reapAll(): number {
    let total = 0;
    for (;;) {
      let reaped = 0;
      for (const pid of childrenOf('self')) {
        if (isOwnedChild(pid) || readStat(pid)?.zombie !== true) continue;
        let r: Reaped | null;
        try {
          r = reapOne(pid);
        } catch (error) {
          this.stop();
          this.#onError(error);
          return total;
        }
        if (r === null) continue;
        reaped++;
        this.#onReaped(r);
      }
      total += reaped;
      if (reaped === 0) return total;
    }
  }
}

function reapOne(pid: number): Reaped | null {
  try {
    const r = reapNoHang(pid);
    return r === null ? null : { pid: r.pid, exitCode: r.exitCode, signal: r.signal };
  } catch (error) {
    // ECHILD: reaped by someone else between the listing and the wait; nothing to do.
    if (PidfdError.isInstance(error) && error.code === 'ECHILD') return null;
    throw error;
  }
}
