import { setTimeout as sleep } from 'node:timers/promises';
import { contractDir, CT_PR_EV, PBUNDLE_PATH } from './constants.js';
import { callError, check, ContractError } from './errors.js';
import { closeCtfs, openCtfs } from './fds.js';
import { ackWith } from './ctl.js';
import { libcontract, type Libcontract, type Out, type Pointer } from './ffi.js';
import { eventName, type ContractEventName } from './names.js';
import { readStatusWith } from './status.js';

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
    return openEventsWith(libcontract(), target);
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
    closeCtfs(this.#lib, fd);
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

/** @internal `ContractEventStream.open` over a given binding. */
export function openEventsWith(lib: Libcontract, target: number | 'bundle'): ContractEventStream {
  const path = target === 'bundle' ? PBUNDLE_PATH : `${contractDir(target)}/events`;
  try {
    // O_RDONLY|O_NONBLOCK and nothing else (`ctfs_endpoint_open`).
    return new ContractEventStream(lib, openCtfs(lib, path, 'r', true));
  } catch (cause) {
    if (!ContractError.isInstance(cause)) throw cause;
    const why = cause.code === 'ENOENT' && target !== 'bundle' ? `contract ${target} does not exist` : cause.code;
    throw new ContractError(`${path}: ${why}`, cause.code, 'open', { cause });
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
 * Resolves `true` once contract `ctid` reports `CT_PR_EV_EMPTY` (its last member exited; it may
 * not be reaped yet), acknowledging it and every other critical event read before it (HWERR); or once its status shows no member, or no
 * contract at all (destroyed: it was empty). The caller must hold the contract and EMPTY must be
 * in its critical set (the kernel default). Reads never block a thread: the fd is non-blocking
 * and polled on a timer. Resolves `false` when `signal` aborts.
 *
 * Rejects with ContractError `'ENOTHELD'` when the contract, still with members, is no longer
 * held by this process (abandoned: orphaned or inherited), unless it is a NOORPHAN orphan, whose
 * members the kernel is killing: then it waits for the contract to be destroyed (a member the
 * creator may not kill keeps it waiting, until `signal` aborts). Its EMPTY event would never be
 * readable: the kernel publishes events of an orphaned contract already acknowledged
 * (`cte_publish_all`), so a critical read skips them, and a non-blocking read answers EAGAIN,
 * never EIDRM, even once the queue is dead (`cte_get_event`).
 */
export function waitForEmpty(ctid: number, options: WaitOptions = {}): Promise<boolean> {
  return waitForEmptyWith(libcontract(), ctid, options);
}

/** @internal */
export async function waitForEmptyWith(lib: Libcontract, ctid: number, options: WaitOptions = {}): Promise<boolean> {
  let stream: ContractEventStream;
  try {
    stream = openEventsWith(lib, ctid);
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
        if (event.ctid !== ctid) continue;
        // Every critical event read is acknowledged, as ctrun does: an unacknowledged one (HWERR,
        // critical and fatal by default) stays queued and counted against the contract.
        ackWith(lib, ctid, event.evid);
        if (event.typeBits === CT_PR_EV.EMPTY) return true;
      }
      if (options.signal?.aborted) return false;
      // EAGAIN says nothing about whether the event can still come: the status does.
      if (emptyOrNotHeld(lib, ctid)) return true;
      await sleep(wait, undefined, { signal: options.signal }).catch(() => undefined);
    }
  } finally {
    stream.close();
  }
}

/** True when contract `ctid` has no member or no longer exists; throws `'ENOTHELD'` when another holds it. */
function emptyOrNotHeld(lib: Libcontract, ctid: number): boolean {
  let status;
  try {
    status = readStatusWith(lib, ctid, 'all');
  } catch (error) {
    if (ContractError.isInstance(error) && error.code === 'ENOENT') return true;
    throw error;
  }
  if (status.state === 'dead' || status.members?.length === 0) return true;
  // Abandoned with NOORPHAN: the kernel posted SIGKILL to the members and they leave as it lands
  // (docs/illumos.md, "Atomic SIGKILL"); the contract is destroyed with the last. Keep looking.
  if (status.state === 'orphan' && status.params?.includes('noorphan') === true) return false;
  if (status.state !== 'owned' || status.holder !== process.pid) {
    const holder = status.state === 'owned' ? `process ${status.holder}` : status.state === 'inherited' ? `contract ${status.holder} (inherited)` : 'no one (orphaned)';
    throw new ContractError(
      `contract ${ctid} is no longer held by this process (held by ${holder}): its EMPTY event will not be delivered here`,
      'ENOTHELD',
      'waitForEmpty',
    );
  }
  return false;
}
