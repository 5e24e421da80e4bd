import { contractDir, CTD, LATEST_PATH } from './constants.js';
import { check, ContractError } from './errors.js';
import { closeCtfs, openCtfs } from './fds.js';
import { libcontract, type Libcontract, type Out, type Pointer } from './ffi.js';
import { paramNames, stateName, type ContractParam, type ContractState } from './names.js';

/** How much `ct_status_read` fetches. Members and inherited contracts need `'all'`. */
export type StatusDetail = 'common' | 'fixed' | 'all';

/** A contract's status, copied out of libcontract (nothing to free). */
export interface ContractStatus {
  readonly id: number;
  readonly state: ContractState;
  /** The holder's pid; the regent's contract id when `inherited`; 0 when orphaned. */
  readonly holder: number;
  /** The contract's parameters (`noorphan`, …). With detail `'fixed'` or `'all'`. */
  readonly params: readonly ContractParam[] | undefined;
  /** Live member pids (processes leave at exit, before reaping). Only with detail `'all'`. */
  readonly members: readonly number[] | undefined;
  /** Contracts inherited by this one, awaiting adoption. Only with detail `'all'`. */
  readonly inherited: readonly number[] | undefined;
  /**
   * The creator's aux string (`ct_pr_tmpl_set_svc_aux`, `ctrun -A`), `''` when none was set. Only
   * with detail `'all'`. Any process may set it on the contracts it creates, without privilege,
   * and it is not inherited by contracts its members create: a label, not a proof.
   */
  readonly aux: string | undefined;
  /** The service FMRI (set with privilege, else inherited from the creator's contract). Only with detail `'all'`. */
  readonly fmri: string | undefined;
  /** The creator's executable name (`u_comm`). Only with detail `'all'`. */
  readonly creator: string | undefined;
}

const DETAIL: Readonly<Record<StatusDetail, number>> = { common: CTD.COMMON, fixed: CTD.FIXED, all: CTD.ALL };

/**
 * An open status handle (`ct_stathdl_t`). Arrays are copied out on each call; `free()` releases
 * the handle exactly once (later calls do nothing) and any use after it throws `'EBADF'`.
 * Prefer `readStatus`, which does all of this; the handle is for callers that read in steps.
 */
export class StatusHandle {
  readonly #lib: Libcontract;
  #handle: Pointer | undefined;

  /** @internal Use `StatusHandle.read`. */
  constructor(lib: Libcontract, handle: Pointer) {
    this.#lib = lib;
    this.#handle = handle;
  }

  /**
   * Reads the status of contract `target`, or of `'latest'`: the last contract created by the
   * calling thread (ESRCH → ContractError `'ESRCH'` when it created none). Synchronous on
   * purpose: `latest` is per LWP.
   */
  static read(target: number | 'latest', detail: StatusDetail = 'all'): StatusHandle {
    return readStatusHandle(libcontract(), target, detail);
  }

  get id(): number {
    return this.#lib.ct_status_get_id(this.handle);
  }
  get state(): ContractState {
    return stateName(this.#lib.ct_status_get_state(this.handle));
  }
  get holder(): number {
    return this.#lib.ct_status_get_holder(this.handle);
  }
  /** Member pids, copied. Throws `'ENOENT'` when read with less than `'all'` detail. */
  members(): number[] {
    return this.#ints('ct_pr_status_get_members', (p, n) => this.#lib.ct_pr_status_get_members(this.handle, p, n));
  }
  /** Inherited contract ids, copied. Throws `'ENOENT'` when read with less than `'all'` detail. */
  contracts(): number[] {
    return this.#ints('ct_pr_status_get_contracts', (p, n) => this.#lib.ct_pr_status_get_contracts(this.handle, p, n));
  }
  /** The parameters. Throws `'ENOENT'` when read with `'common'` detail. */
  params(): ContractParam[] {
    const out: Out<number> = [null];
    check('ct_pr_status_get_param', this.#lib.ct_pr_status_get_param(this.handle, out));
    return paramNames(out[0] ?? 0);
  }
  /** The creator's aux string, copied. Throws `'ENOENT'` when read with less than `'all'` detail. */
  aux(): string {
    return this.#string('ct_pr_status_get_svc_aux', (p) => this.#lib.ct_pr_status_get_svc_aux(this.handle, p));
  }
  /** The service FMRI, copied. Throws `'ENOENT'` when read with less than `'all'` detail. */
  fmri(): string {
    return this.#string('ct_pr_status_get_svc_fmri', (p) => this.#lib.ct_pr_status_get_svc_fmri(this.handle, p));
  }
  /** The creator's executable name, copied. Throws `'ENOENT'` when read with less than `'all'` detail. */
  creator(): string {
    return this.#string('ct_pr_status_get_svc_creator', (p) => this.#lib.ct_pr_status_get_svc_creator(this.handle, p));
  }
  /** `ct_status_free`, once. The arrays above pointed into it and must never be freed themselves. */
  free(): void {
    if (this.#handle === undefined) return;
    const handle = this.#handle;
    this.#handle = undefined;
    this.#lib.ct_status_free(handle);
  }

  #ints(call: string, get: (p: Out<Pointer>, n: Out<number>) => number): number[] {
    const pointer: Out<Pointer> = [null];
    const count: Out<number> = [null];
    check(call, get(pointer, count));
    const n = count[0] ?? 0;
    // Double-free trap (libcontract process.c): the array lives in the handle's nvlist. Copy it
    // now, while the handle is alive; it is released with the handle, never on its own.
    return n === 0 || pointer[0] === null ? [] : this.#lib.copyInts(pointer[0], n);
  }

  #string(call: string, get: (p: Out<Pointer>) => number): string {
    const pointer: Out<Pointer> = [null];
    check(call, get(pointer));
    // Like the arrays, the string lives in the handle's nvlist: copied now, never freed alone.
    return pointer[0] === null ? '' : this.#lib.copyString(pointer[0]);
  }

  private get handle(): Pointer {
    if (this.#handle === undefined) throw new ContractError('the status handle was freed', 'EBADF', 'StatusHandle');
    return this.#handle;
  }
}

/**
 * The status of contract `ctid` (or `'latest'`), with everything copied out and the handle
 * freed exactly once. illumos only. Throws ContractError `'ENOENT'` when the contract does not
 * exist, `'ESRCH'` for `'latest'` when this thread created none.
 */
export function readStatus(target: number | 'latest', detail: StatusDetail = 'all'): ContractStatus {
  return readStatusWith(libcontract(), target, detail);
}

/**
 * The id of the last contract this thread created, or undefined when it created none.
 * That contract stays referenced by the thread (and counted against `project.max-contracts`)
 * until the thread creates another, even after it was abandoned and destroyed.
 */
export function latestContract(): number | undefined {
  return latestContractWith(libcontract());
}

/** @internal */
export function readStatusWith(lib: Libcontract, target: number | 'latest', detail: StatusDetail): ContractStatus {
  return snapshotStatus(readStatusHandle(lib, target, detail), detail);
}

/** @internal Copies every field out of `handle`, then frees it once, whatever happens. */
export function snapshotStatus(handle: StatusHandle, detail: StatusDetail): ContractStatus {
  try {
    const all = detail === 'all';
    return {
      id: handle.id,
      state: handle.state,
      holder: handle.holder,
      params: detail === 'common' ? undefined : handle.params(),
      members: all ? handle.members() : undefined,
      inherited: all ? handle.contracts() : undefined,
      aux: all ? handle.aux() : undefined,
      fmri: all ? handle.fmri() : undefined,
      creator: all ? handle.creator() : undefined,
    };
  } finally {
    handle.free();
  }
}

/** @internal */
export function latestContractWith(lib: Libcontract): number | undefined {
  try {
    return readStatusWith(lib, 'latest', 'common').id;
  } catch (error) {
    if (ContractError.isInstance(error) && error.code === 'ESRCH') return undefined;
    throw error;
  }
}

/** @internal */
export function readStatusHandle(lib: Libcontract, target: number | 'latest', detail: StatusDetail): StatusHandle {
  const path = target === 'latest' ? LATEST_PATH : `${contractDir(target)}/status`;
  let fd: number;
  try {
    // `latest` takes O_RDONLY and nothing else (`ctfs_latest_open`); `status` is less strict
    // (`ctfs_open`), and both go through the same open.
    fd = openCtfs(lib, path, 'r');
  } catch (cause) {
    if (!ContractError.isInstance(cause)) throw cause;
    const code = cause.code;
    const what = target === 'latest' ? 'this thread created no contract' : `contract ${target} does not exist`;
    throw new ContractError(`${path}: ${code === 'ENOENT' || code === 'ESRCH' ? what : code}`, code, 'open', { cause });
  }
  try {
    const out: Out<Pointer> = [null];
    check('ct_status_read', lib.ct_status_read(fd, DETAIL[detail], out), path);
    if (out[0] === null) throw new ContractError('ct_status_read returned no handle', 'EIO', 'ct_status_read');
    return new StatusHandle(lib, out[0]);
  } finally {
    closeCtfs(lib, fd);
  }
}
