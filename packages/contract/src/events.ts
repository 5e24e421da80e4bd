import { closeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { contractDir, CT_PR_EV, PBUNDLE_PATH } from './constants.js';
import { callError, check, ContractError } from './errors.js';
import { openCtfs, systemCode } from './fds.js';
import { ackWith } from './ctl.js';
import { libcontract, type Libcontract, type Out, type Pointer } from './ffi.js';
import { eventName, type ContractEventName } from './names.js';

/** One event, copied out of libcontract (its handle is already freed). */
export interface ContractEvent {
  /** The event by name, or undefined for a type this package does not know. */
  readonly type: ContractEventName | undefined;
  /** The raw event type bit (`ct_event_get_type`). */
  readonly typeBits: number;
  readonly ctid: number;
  /** The event id, for `ack`. */
  readonly evid: bigint;
}

const EAGAIN = 11;

/**
 * The event queue of one contract (`/system/contract/process/<id>/events`) or of every contract
 * this process holds (`pbundle`). The fd is opened O_NONBLOCK: a read never blocks the thread,
 * and "nothing yet" is `undefined` (EAGAIN). Event fds support poll(2) and ioctl only, not
 * read(2). illumos only.
 */
export class ContractEventStream {
  readonly #lib: Libcontract;
  #fd: number | undefined;

  /** @internal Use `ContractEventStream.open`. */
  constructor(lib: Libcontract, fd: number) {
    this.#lib = lib;
    this.#fd = fd;
  }

  /** Opens contract `ctid`'s events, or the bundle. ContractError `'ENOENT'` when the contract is gone. */
  static open(target: number | 'bundle'): ContractEventStream {
    const lib = libcontract();
    const path = target === 'bundle' ? PBUNDLE_PATH : `${contractDir(target)}/events`;
    try {
      return new ContractEventStream(lib, openCtfs(path, 'r', true));
    } catch (cause) {
      const code = systemCode(cause) ?? 'EIO';
      throw new ContractError(`${path}: ${code}`, code, 'open', { cause });
    }
  }

  /** Rewinds to the oldest queued event, so events queued before the open are seen (`ct_event_reset`). */
  reset(): void {
    check('ct_event_reset', this.#lib.ct_event_reset(this.fd));
  }

  /** The next critical event, or undefined when none is queued. Never blocks. */
  readCritical(): ContractEvent | undefined {
    return this.#read('ct_event_read_critical', (out) => this.#lib.ct_event_read_critical(this.fd, out));
  }

  /** The next event of any kind, or undefined when none is queued. Never blocks. */
  read(): ContractEvent | undefined {
    return this.#read('ct_event_read', (out) => this.#lib.ct_event_read(this.fd, out));
  }

  /** Closes the fd; harmless twice. */
  close(): void {
    if (this.#fd === undefined) return;
    const fd = this.#fd;
    this.#fd = undefined;
    closeSync(fd);
  }

  #read(call: string, read: (out: Out<Pointer>) => number): ContractEvent | undefined {
    const out: Out<Pointer> = [null];
    const result = read(out);
    if (result === EAGAIN) return undefined;
    if (result !== 0) throw callError(call, result);
    if (out[0] === null) throw new ContractError(`${call} returned no event`, 'EIO', call);
    return copyEvent(this.#lib, out[0]);
  }

  private get fd(): number {
    if (this.#fd === undefined) throw new ContractError('the event stream is closed', 'EBADF', 'ContractEventStream');
    return this.#fd;
  }
}

/** @internal Copies the fields of an event, then `ct_event_free` exactly once. */
export function copyEvent(lib: Libcontract, handle: Pointer): ContractEvent {
  try {
    const typeBits = lib.ct_event_get_type(handle);
    return { type: eventName(typeBits), typeBits, ctid: lib.ct_event_get_ctid(handle), evid: lib.ct_event_get_evid(handle) };
  } finally {
    lib.ct_event_free(handle);
  }
}

/** Options of `waitForEmpty`. */
export interface WaitOptions {
  /** Stop waiting (the promise then resolves to `false`). */
  readonly signal?: AbortSignal;
  /** Longest pause between two non-blocking reads, in ms (default 100; starts at 2). */
  readonly maxInterval?: number;
}

/**
 * Resolves `true` once contract `ctid` reports `CT_PR_EV_EMPTY` (its last member exited; it
 * may not be reaped yet), or at once when the contract no longer exists. The EMPTY event must be
 * in the contract's critical set (the kernel default) and the caller must hold the contract:
 * the event is acknowledged, so it is not delivered again. Reads never block a thread: the fd is
 * non-blocking and polled on a timer. Resolves `false` when `signal` aborts.
 */
export async function waitForEmpty(ctid: number, options: WaitOptions = {}): Promise<boolean> {
  let stream: ContractEventStream;
  try {
    stream = ContractEventStream.open(ctid);
  } catch (error) {
    if (ContractError.isInstance(error) && error.code === 'ENOENT') return true;
    throw error;
  }
  const maxInterval = options.maxInterval ?? 100;
  try {
    // EMPTY is critical and stays queued until acknowledged; reset so one queued before the
    // open (a member that exited at once) is read too.
    stream.reset();
    for (let wait = 2; ; wait = Math.min(wait * 2, maxInterval)) {
      for (let event = stream.readCritical(); event !== undefined; event = stream.readCritical()) {
        if (event.ctid === ctid && event.typeBits === CT_PR_EV.EMPTY) {
          ackWith(libcontract(), ctid, event.evid);
          return true;
        }
      }
      if (options.signal?.aborted) return false;
      await sleep(wait, undefined, { signal: options.signal }).catch(() => undefined);
    }
  } finally {
    stream.close();
  }
}
