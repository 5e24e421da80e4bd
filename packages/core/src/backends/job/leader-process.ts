import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import { closeProcess, exitCodeOf, sendCtrlBreak, terminateProcess, type JobProcess } from '@pg/winjob';
import { UnsupportedError } from '../../errors/index.js';
import { signalName, signalNumber, type SignalLike } from '../../signals.js';
import { SIGBREAK, SIGINT, SIGKILL, SIGTERM } from './signals.js';


/**
 * The leader as `child_process` users know it, for a process created by CreateProcessW rather
 * than libuv: `pid`, `stdin`/`stdout`/`stderr` (this process's ends of named pipes, as sockets),
 * `exitCode`, `signalCode`, `kill()`, `ref()`/`unref()` and the `'exit'` event with
 * `(code, signal)`. Like Node on Windows, a leader ended by `kill()` or by pg terminating the
 * job reports the signal asked for (`signalCode`) and no exit code.
 *
 * Its exit is learnt from the job's completion port (EXIT_PROCESS for it, or ACTIVE_PROCESS_ZERO
 * for the whole job), which calls `checkExit()`; after a `kill()` it is also re-checked on a
 * timer, since Wine skips EXIT_PROCESS for some terminations (docs/windows.md).
 */
export class JobLeaderProcess extends EventEmitter {
  readonly pid: number;
  readonly stdin: Socket | null;
  readonly stdout: Socket | null;
  readonly stderr: Socket | null;
  readonly stdio: [Socket | null, Socket | null, Socket | null];
  readonly spawnfile: string;
  readonly spawnargs: string[];
  readonly connected = false;
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  killed = false;
  #handle: number;
  /** The signal pg ended it with (kill(), a terminate of the job), reported instead of the code. */
  #endedBy: NodeJS.Signals | undefined;
  #recheck: NodeJS.Timeout | undefined;

  constructor(created: JobProcess, file: string, args: readonly string[]) {
    super();
    this.pid = created.pid;
    this.#handle = created.handle;
    this.stdin = created.stdin;
    this.stdout = created.stdout;
    this.stderr = created.stderr;
    this.stdio = [this.stdin, this.stdout, this.stderr];
    this.spawnfile = file;
    this.spawnargs = [file, ...args];
  }

  /** Whether the leader has exited (its exit collected). */
  get exited(): boolean {
    return this.#handle === 0;
  }

  /** Records that pg is ending the leader with `signal` (a terminate of the whole job). */
  endingBy(signal: number): void {
    if (this.#handle !== 0) this.#endedBy ??= signalName(signal) as NodeJS.Signals;
  }

  /** Collects the exit if the process has ended: emits `'exit'` once and closes the handle. */
  checkExit(): void {
    if (this.#handle === 0) return;
    const code = exitCodeOf(this.#handle);
    if (code === undefined) return;
    closeProcess(this.#handle);
    this.#handle = 0;
    if (this.#recheck !== undefined) clearTimeout(this.#recheck);
    if (this.#endedBy !== undefined) this.signalCode = this.#endedBy;
    else this.exitCode = code;
    this.emit('exit', this.exitCode, this.signalCode);
    this.emit('close', this.exitCode, this.signalCode);
  }

  /**
   * SIGTERM and SIGKILL: TerminateProcess of the leader alone (exit code 1), as Node's
   * `ChildProcess.kill` does on Windows; the rest of the group runs on. SIGINT and SIGBREAK: a
   * CTRL_BREAK_EVENT to the leader's console process group. Returns false once it has exited.
   * @throws UnsupportedError for any other signal, or when Windows refuses the console event.
   */
  kill(signal: SignalLike = SIGTERM): boolean {
    const n = signalNumber(signal);
    if (this.#handle === 0) return false;
    if (n === SIGTERM || n === SIGKILL) {
      this.endingBy(n);
      terminateProcess(this.#handle, 1);
      this.killed = true;
      this.#watchAfterKill(5);
      return true;
    }
    if (n === SIGINT || n === SIGBREAK) {
      try {
        sendCtrlBreak(this.pid);
      } catch (cause) {
        throw new UnsupportedError(`could not send ${signalName(n)} (CTRL_BREAK_EVENT) to the leader ${this.pid}: ${(cause as Error).message}; it needs a console shared with this process`, { cause });
      }
      return true;
    }
    throw new UnsupportedError(`${signalName(n)} does not exist on Windows: the leader takes SIGTERM or SIGKILL (TerminateProcess) and SIGINT or SIGBREAK (CTRL_BREAK_EVENT)`);
  }

  /** A terminated process's handle is signalled promptly; re-check until it is, with back-off. */
  #watchAfterKill(wait: number): void {
    this.#recheck = setTimeout(() => {
      this.checkExit();
      if (this.#handle !== 0) this.#watchAfterKill(Math.min(wait * 2, 200));
    }, wait);
    this.#recheck.unref();
  }

  /** The leader's streams keep the event loop alive while open; the job's port wait is the group's. */
  ref(): this {
    for (const s of this.stdio) s?.ref();
    return this;
  }

  unref(): this {
    for (const s of this.stdio) s?.unref();
    return this;
  }

  /** Closes the process handle if the exit was never collected (the group is being closed). */
  release(): void {
    if (this.#handle === 0) return;
    if (this.#recheck !== undefined) clearTimeout(this.#recheck);
    this.checkExit();
    if (this.#handle !== 0) closeProcess(this.#handle);
    this.#handle = 0;
  }
}
