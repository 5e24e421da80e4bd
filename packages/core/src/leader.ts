import type { ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

/** How the leader ended: an exit code, or the signal that killed it. */
export interface LeaderExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * The process `spawnGroup` started: a thin view over its `ChildProcess` with the exit status as
 * a promise. Its pid is safe to use until `exited` settles (the child is unreaped until then).
 */
export class Leader {
  readonly process: ChildProcess;
  readonly pid: number;
  /** Settles when the leader has exited and been reaped; never rejects. */
  readonly exited: Promise<LeaderExit>;

  constructor(child: ChildProcess) {
    this.process = child;
    this.pid = child.pid as number;
    this.exited =
      child.exitCode !== null || child.signalCode !== null
        ? Promise.resolve({ code: child.exitCode, signal: child.signalCode })
        : new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
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
    return this.process.exitCode;
  }
  /** The signal that killed the leader, or null. */
  get signalCode(): NodeJS.Signals | null {
    return this.process.signalCode;
  }
}
