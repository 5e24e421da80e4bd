import { win32 } from './ffi.js';
import { callError } from './errors.js';
import { INFINITE, INVALID_HANDLE_VALUE, JobMessage } from './layout.js';
import type { Job } from './job.js';

/** One message a job posts to its completion port. */
export interface JobEvent {
  /** A JOB_OBJECT_MSG_* value (`JobMessage`). */
  readonly message: number;
  /** The process the message is about (NEW_PROCESS, EXIT_PROCESS, …); 0 for job-wide messages. */
  readonly pid: number;
}

/** The key of the packet that releases the waiter (never a job's key: those start at 1). */
const WAKE_KEY = 0;

/**
 * The process's one completion port for job messages, and the one wait on it: a koffi `.async`
 * GetQueuedCompletionStatus, which blocks a libuv thread-pool thread instead of the event loop.
 * One wait serves every job, so any number of groups takes one pool thread.
 *
 * The pending wait keeps the event loop alive (like a ChildProcess does) while a subscribed job
 * is referenced; once every subscription is unreferenced the wait is released with a posted
 * packet and messages are drained by a zero-timeout read on an unreferenced timer instead. At
 * `process.exit` a pending wait would hold the exit forever (docs/windows.md, "Completion
 * ports"), so an `'exit'` listener posts the releasing packet.
 */
class JobPort {
  readonly #port: number;
  readonly #listeners = new Map<number, { onEvent: (event: JobEvent) => void; referenced: boolean }>();
  #nextKey = 1;
  #waiting = false;
  #poll: NodeJS.Timeout | undefined;

  constructor() {
    const { kernel32 } = win32();
    this.#port = kernel32.CreateIoCompletionPort(INVALID_HANDLE_VALUE, 0, 0, 1);
    if (this.#port === 0) throw callError('CreateIoCompletionPort', kernel32.GetLastError());
    process.on('exit', () => this.#wake());
  }

  /**
   * Sends `job`'s messages to `onEvent` until the returned function is called. A job can be
   * associated with one port only, once (Windows refuses a second association).
   */
  subscribe(job: Job, onEvent: (event: JobEvent) => void): { unsubscribe(): void; unref(): void; ref(): void } {
    const key = this.#nextKey++;
    const entry = { onEvent, referenced: true };
    this.#listeners.set(key, entry);
    job.associate(this.#port, key);
    this.#schedule();
    return {
      unsubscribe: () => {
        this.#listeners.delete(key);
        this.#schedule();
      },
      unref: () => {
        entry.referenced = false;
        this.#schedule();
      },
      ref: () => {
        entry.referenced = true;
        this.#schedule();
      },
    };
  }

  #referenced(): boolean {
    for (const l of this.#listeners.values()) if (l.referenced) return true;
    return false;
  }

  /** Starts the blocking wait, the unreferenced poll, or neither, as the subscriptions need. */
  #schedule(): void {
    if (this.#referenced()) {
      if (this.#poll !== undefined) clearInterval(this.#poll);
      this.#poll = undefined;
      if (!this.#waiting) this.#wait();
    } else {
      if (this.#waiting) this.#wake();
      if (this.#listeners.size > 0 && this.#poll === undefined) {
        this.#poll = setInterval(() => this.#drain(), 100);
        this.#poll.unref();
      } else if (this.#listeners.size === 0 && this.#poll !== undefined) {
        clearInterval(this.#poll);
        this.#poll = undefined;
      }
    }
  }

  #wait(): void {
    this.#waiting = true;
    const bytes = Buffer.alloc(4);
    const key = Buffer.alloc(8);
    const overlapped = Buffer.alloc(8);
    win32().kernel32.GetQueuedCompletionStatus.async(this.#port, bytes, key, overlapped, INFINITE, (error, ok) => {
      this.#waiting = false;
      if (error !== null && error !== undefined) throw error; // koffi itself failed: a bug, not a Windows error
      if (ok !== 0) this.#dispatch(bytes, key, overlapped);
      this.#schedule();
    });
  }

  /** Reads whatever is queued now, without blocking (the unreferenced mode). */
  #drain(): void {
    const { kernel32 } = win32();
    const bytes = Buffer.alloc(4);
    const key = Buffer.alloc(8);
    const overlapped = Buffer.alloc(8);
    while (kernel32.GetQueuedCompletionStatus(this.#port, bytes, key, overlapped, 0) !== 0) this.#dispatch(bytes, key, overlapped);
  }

  #dispatch(bytes: Buffer, key: Buffer, overlapped: Buffer): void {
    const k = Number(key.readBigUInt64LE(0));
    if (k === WAKE_KEY) return;
    // For job messages the OVERLAPPED pointer slot carries the pid the message is about.
    this.#listeners.get(k)?.onEvent({ message: bytes.readUInt32LE(0), pid: Number(overlapped.readBigUInt64LE(0)) });
  }

  #wake(): void {
    if (this.#waiting) win32().kernel32.PostQueuedCompletionStatus(this.#port, 0, WAKE_KEY, 0);
  }
}

let shared: JobPort | undefined;

/**
 * Delivers `job`'s completion-port messages (JOB_OBJECT_MSG_*: `JobMessage`) to `onEvent` on the
 * event loop. Under Wine 8, EXIT_PROCESS is not posted for processes ended by TerminateJobObject
 * and ABNORMAL_EXIT_PROCESS never is; ACTIVE_PROCESS_ZERO is (docs/windows.md).
 */
export function watchJob(job: Job, onEvent: (event: JobEvent) => void): { unsubscribe(): void; unref(): void; ref(): void } {
  shared ??= new JobPort();
  return shared.subscribe(job, onEvent);
}

export { JobMessage };
