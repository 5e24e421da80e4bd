import { PidfdError, syscallError } from './errors.js';
import { checkFd, checkPid } from './fd-check.js';
import { libc } from './ffi.js';
import { pidfdIdOf } from './id.js';
import { readPidfdInfo, type PidfdInfo } from './info.js';
import { checkSignalNumber } from './signals.js';

/** `PIDFD_NONBLOCK` (= O_NONBLOCK, Linux 5.10): waitid on the pidfd returns EAGAIN instead of blocking. */
const PIDFD_NONBLOCK = 0x800;

/** The syscall numbers of this architecture, or a PidfdError ENOSYS where pg does not know them. */
function nr() {
  const f = libc();
  if (f.nr === undefined) throw new PidfdError(`pidfd syscall numbers are unknown on ${process.arch}`, 'ENOSYS');
  return f.nr;
}

/**
 * A pidfd: a file descriptor that refers to one process, not to a pid number. Signals sent
 * through it can never hit a process that later reuses the pid; it becomes readable when the
 * process exits. The fd is close-on-exec (the kernel always opens pidfds so).
 *
 * Linux only (pidfd_open: 5.3). Dispose with `close()` or `using`.
 */
export class Pidfd implements Disposable {
  /** The descriptor; -1 once closed. */
  #fd: number;
  /** The pid the pidfd was opened for (in the caller's pid namespace). */
  readonly pid: number;
  #poll: { close(): void } | undefined;
  #exited: Promise<void> | undefined;
  #rejectExited: ((e: Error) => void) | undefined;

  /** Adopt an already open pidfd (`fd`) that refers to `pid`; this object closes it. */
  constructor(fd: number, pid: number) {
    this.#fd = checkFd(fd);
    this.pid = checkPid(pid);
  }

  /** The descriptor number; throws PidfdError `'EBADF'` once closed. */
  get fd(): number {
    if (this.#fd < 0) throw new PidfdError(`pidfd for pid ${this.pid} is closed`, 'EBADF');
    return this.#fd;
  }

  /** Whether `close()` has run. */
  get closed(): boolean {
    return this.#fd < 0;
  }

  /**
   * Send `signal` with `pidfd_send_signal` (Linux 5.1). Cannot hit a recycled pid: the kernel
   * resolves the pidfd to its process, not to a number.
   * @throws PidfdError `'ESRCH'` when the process has exited, `'EPERM'`, `'ENOSYS'`, `'EBADF'`.
   */
  sendSignal(signal: number): void {
    const sig = checkSignalNumber(signal);
    const f = libc();
    if (f.pidfd_send_signal(nr().pidfd_send_signal, this.fd, sig, null, 0) !== 0) {
      throw syscallError('pidfd_send_signal', f.errno(), `pid ${this.pid}`);
    }
  }

  /**
   * Resolves when the process exits (the pidfd turns readable), using libuv's poll through koffi:
   * no thread blocks. Does not reap. The same promise is returned on each call; it rejects with
   * PidfdError `'EBADF'` if the pidfd is closed first. Keeps the event loop alive while pending.
   */
  exited(): Promise<void> {
    if (this.#exited !== undefined) return this.#exited;
    const fd = this.fd;
    this.#exited = new Promise<void>((resolve, reject) => {
      this.#rejectExited = reject;
      this.#poll = libc().poll(fd, (status) => {
        this.#stopPoll();
        this.#rejectExited = undefined;
        if (status < 0) reject(syscallError('poll', -status, `pidfd of pid ${this.pid}`));
        else resolve();
      });
    });
    return this.#exited;
  }

  /** `PIDFD_GET_INFO` (Linux 6.13); see `PidfdInfo`. @throws PidfdError `'EUNSUPPORTED'` on older kernels. */
  info(): PidfdInfo {
    return readPidfdInfo(this.fd);
  }

  /** The 64-bit pidfd id of the process (see `pidfdIdOf`). */
  id(): bigint {
    return pidfdIdOf(this.fd);
  }

  /**
   * Duplicate the process's fd `targetFd` into this process (`pidfd_getfd`, Linux 5.6; needs
   * ptrace access). The new fd is close-on-exec; the caller owns it.
   */
  getfd(targetFd: number): number {
    checkFd(targetFd, 'targetFd');
    const f = libc();
    const r = f.pidfd_getfd(nr().pidfd_getfd, this.fd, targetFd, 0);
    if (r < 0) throw syscallError('pidfd_getfd', f.errno(), `pid ${this.pid} fd ${targetFd}`);
    return r;
  }

  /** Close the pidfd (idempotent). A pending `exited()` rejects with `'EBADF'`. */
  close(): void {
    if (this.#fd < 0) return;
    // Stop libuv's poll watcher before the fd number can be reused by another open().
    this.#stopPoll();
    const fd = this.#fd;
    this.#fd = -1;
    const reject = this.#rejectExited;
    this.#rejectExited = undefined;
    reject?.(new PidfdError(`pidfd for pid ${this.pid} was closed before the process exited`, 'EBADF'));
    const f = libc();
    if (f.close(fd) !== 0) throw syscallError('close', f.errno(), `pidfd ${fd}`);
  }

  [Symbol.dispose](): void {
    this.close();
  }

  #stopPoll(): void {
    const p = this.#poll;
    this.#poll = undefined;
    p?.close();
  }
}

/**
 * Open a pidfd for `pid` (`pidfd_open`, Linux 5.3). Race-free for your own unreaped child right
 * after spawn() returns (libuv reaps later, from the event loop); for any other pid, the pid may
 * already name a different process, so check identity (start time, cgroup) after opening.
 * @throws PidfdError `'ESRCH'`, `'EPERM'`, `'ENOSYS'`, `'EFFI'`; TypeError for a bad pid.
 */
export function pidfdOpen(pid: number, options: { nonblock?: boolean } = {}): Pidfd {
  checkPid(pid);
  if (options.nonblock !== undefined && typeof options.nonblock !== 'boolean') {
    throw new TypeError(`Invalid option \`options.nonblock\`: got ${String(options.nonblock)}, expected a boolean.`);
  }
  const f = libc();
  const fd = f.pidfd_open(nr().pidfd_open, pid, options.nonblock ? PIDFD_NONBLOCK : 0);
  if (fd < 0) throw syscallError('pidfd_open', f.errno(), `pid ${pid}`);
  return new Pidfd(fd, pid);
}

/** A pidfd for this very process. */
export function pidfdSelf(): Pidfd {
  return pidfdOpen(process.pid);
}
