// koffi declarations for libcontract.so.1 and the libc calls @pg/contract needs. Declarations
// only, no decisions. Handles and pointers are koffi 3 BigInt pointers and never leave this
// package's internals; the public API copies everything out into plain numbers.
import { readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { LIBCONTRACT } from './constants.js';
import { ContractError } from './errors.js';

type Koffi = typeof import('koffi');

/** An opaque libcontract handle (`ct_stathdl_t`, `ct_evthdl_t`) or a pointer into one. */
export type Pointer = bigint;
/** An out-parameter cell, as koffi fills it (`[null]` in, the value out). */
export type Out<T> = [T | null];

/**
 * The bound functions, one per C declaration in `libcontract.h` (docs/illumos.md) plus the
 * libc calls ctfs needs. Two conventions, each the C one:
 * - the int-returning `ct_*` calls return **0 or an errno value** (never -1), as libcontract does;
 * - the libc calls (`open`, `fcntl`, `close`, `sigsend`) return their result, or **the negated
 *   errno** when C returns -1. errno is read with `koffi.errno()` right after the call, inside
 *   the binding, before any other native call can change it.
 */
export interface Libcontract {
  /**
   * libc `open(path, flags)`: the fd, or -errno. Never adds O_CLOEXEC (libuv's `fs.open` does,
   * and ctfs refuses it); the caller sets FD_CLOEXEC afterwards with `fcntl`.
   */
  open(path: string, flags: number): number;
  /** libc `fcntl(fd, cmd, arg)`: the result, or -errno. */
  fcntl(fd: number, cmd: number, arg: number): number;
  /** libc `close(fd)`: 0, or -errno. */
  close(fd: number): number;
  /** libc `int sigsend(idtype_t, id_t, int)`: 0, or -errno. */
  sigsend(idtype: number, id: number, signal: number): number;
  /** The entries of a ctfs directory (`readdir`). Throws ContractError with the errno code. */
  readdir(path: string): string[];
  ct_tmpl_activate(fd: number): number;
  ct_tmpl_clear(fd: number): number;
  ct_tmpl_set_critical(fd: number, events: number): number;
  ct_tmpl_set_informative(fd: number, events: number): number;
  ct_pr_tmpl_set_fatal(fd: number, events: number): number;
  ct_pr_tmpl_set_param(fd: number, params: number): number;
  /** `ct_pr_tmpl_set_svc_aux`: the creator's aux string; no privilege needed, not inherited. */
  ct_pr_tmpl_set_svc_aux(fd: number, aux: string): number;
  ct_status_read(fd: number, detail: number, out: Out<Pointer>): number;
  ct_status_free(handle: Pointer): void;
  ct_status_get_id(handle: Pointer): number;
  ct_status_get_state(handle: Pointer): number;
  ct_status_get_holder(handle: Pointer): number;
  /** The array points into the handle's nvlist: copy it with `copyInts` before `ct_status_free`, never free it. */
  ct_pr_status_get_members(handle: Pointer, pids: Out<Pointer>, n: Out<number>): number;
  ct_pr_status_get_contracts(handle: Pointer, ids: Out<Pointer>, n: Out<number>): number;
  /** The contract's parameters (`CTD_FIXED` or more). */
  ct_pr_status_get_param(handle: Pointer, params: Out<number>): number;
  /** The strings point into the handle's nvlist, like the arrays: copy with `copyString` before `ct_status_free`. */
  ct_pr_status_get_svc_aux(handle: Pointer, out: Out<Pointer>): number;
  ct_pr_status_get_svc_fmri(handle: Pointer, out: Out<Pointer>): number;
  ct_pr_status_get_svc_creator(handle: Pointer, out: Out<Pointer>): number;
  ct_event_read(fd: number, out: Out<Pointer>): number;
  ct_event_read_critical(fd: number, out: Out<Pointer>): number;
  ct_event_reset(fd: number): number;
  ct_event_free(handle: Pointer): void;
  ct_event_get_type(handle: Pointer): number;
  ct_event_get_ctid(handle: Pointer): number;
  ct_event_get_evid(handle: Pointer): bigint;
  ct_ctl_abandon(fd: number): number;
  ct_ctl_adopt(fd: number): number;
  ct_ctl_ack(fd: number, evid: bigint): number;
  /** Copies `n` C ints starting at `pointer` into a new JS array (the memory is not retained). */
  copyInts(pointer: Pointer, n: number): number[];
  /** Copies the NUL-terminated C string at `pointer` into a JS string (the memory is not retained). */
  copyString(pointer: Pointer): string;
}

let loaded: Libcontract | ContractError | undefined;

/**
 * libcontract, loaded on first use and never at import: importing `@pg/contract` on any platform,
 * with or without koffi, does nothing. A failure is remembered and thrown every time as
 * ContractError `'EUNSUPPORTED'` (not illumos) or `'EFFI'` (koffi or the library missing; koffi
 * ships no illumos build). Main thread only: koffi in worker threads can hang at exit.
 */
export function libcontract(): Libcontract {
  loaded ??= loadLibcontract(process.platform);
  if (loaded instanceof ContractError) throw loaded;
  return loaded;
}

/** @internal One load attempt for `platform`; exported so the failure path is testable off illumos. */
export function loadLibcontract(platform: NodeJS.Platform): Libcontract | ContractError {
  if (platform !== 'sunos') {
    return new ContractError(`libcontract exists only on illumos (process.platform is ${platform})`, 'EUNSUPPORTED');
  }
  let koffi: Koffi;
  try {
    koffi = createRequire(import.meta.url)('koffi') as Koffi;
  } catch (cause) {
    return new ContractError(`koffi could not be loaded (it has no illumos build): ${(cause as Error).message}`, 'EFFI', 'koffi', { cause });
  }
  let lib: ReturnType<Koffi['load']>;
  let libc: ReturnType<Koffi['load']>;
  try {
    lib = koffi.load(LIBCONTRACT);
    libc = koffi.load('libc.so.1');
  } catch (cause) {
    return new ContractError(`${LIBCONTRACT} could not be loaded: ${(cause as Error).message}`, 'EFFI', 'koffi.load', { cause });
  }
  try {
    return bindLibcontract(koffi, lib as unknown as LibraryLike, libc as unknown as LibraryLike);
  } catch (cause) {
    return new ContractError(`${LIBCONTRACT} lacks a function @pg/contract needs: ${(cause as Error).message}`, 'EFFI', 'koffi.func', { cause });
  }
}

/** What `bindLibcontract` needs of koffi and of a loaded library (a test can pass fakes). */
export type KoffiLike = Pick<Koffi, 'errno' | 'decode'>;
export interface LibraryLike {
  func(prototype: string): (...args: unknown[]) => unknown;
}

/** @internal Binds the declarations to `lib` (libcontract) and `libc`; no decisions. */
export function bindLibcontract(koffi: KoffiLike, lib: LibraryLike, libc: LibraryLike): Libcontract {
  // ctid_t, id_t, pid_t, uint_t, ctstate_t and idtype_t are all 4 bytes on LP64; ctevid_t is uint64_t.
  const f = (proto: string) => lib.func(proto);
  const activate = f('int ct_tmpl_activate(int fd)');
  const clear = f('int ct_tmpl_clear(int fd)');
  const setCritical = f('int ct_tmpl_set_critical(int fd, uint32_t ev)');
  const setInformative = f('int ct_tmpl_set_informative(int fd, uint32_t ev)');
  const setFatal = f('int ct_pr_tmpl_set_fatal(int fd, uint32_t ev)');
  const setParam = f('int ct_pr_tmpl_set_param(int fd, uint32_t p)');
  const setAux = f('int ct_pr_tmpl_set_svc_aux(int fd, const char *aux)');
  const statusRead = f('int ct_status_read(int fd, int detail, _Out_ void **hdl)');
  const statusFree = f('void ct_status_free(void *hdl)');
  const statusId = f('int32_t ct_status_get_id(void *hdl)');
  const statusState = f('int32_t ct_status_get_state(void *hdl)');
  const statusHolder = f('int32_t ct_status_get_holder(void *hdl)');
  const members = f('int ct_pr_status_get_members(void *hdl, _Out_ void **pids, _Out_ uint32_t *n)');
  const contracts = f('int ct_pr_status_get_contracts(void *hdl, _Out_ void **ids, _Out_ uint32_t *n)');
  // The strings stay pointers here (not `char **`, which koffi would copy at once): the caller
  // copies them while the handle lives, as with the arrays.
  const param = f('int ct_pr_status_get_param(void *hdl, _Out_ uint32_t *param)');
  const aux = f('int ct_pr_status_get_svc_aux(void *hdl, _Out_ void **aux)');
  const fmri = f('int ct_pr_status_get_svc_fmri(void *hdl, _Out_ void **fmri)');
  const creator = f('int ct_pr_status_get_svc_creator(void *hdl, _Out_ void **creator)');
  const eventRead = f('int ct_event_read(int fd, _Out_ void **hdl)');
  const eventReadCritical = f('int ct_event_read_critical(int fd, _Out_ void **hdl)');
  const eventReset = f('int ct_event_reset(int fd)');
  const eventFree = f('void ct_event_free(void *hdl)');
  const eventType = f('uint32_t ct_event_get_type(void *hdl)');
  const eventCtid = f('int32_t ct_event_get_ctid(void *hdl)');
  const eventEvid = f('uint64_t ct_event_get_evid(void *hdl)');
  const abandon = f('int ct_ctl_abandon(int fd)');
  const adopt = f('int ct_ctl_adopt(int fd)');
  const ack = f('int ct_ctl_ack(int fd, uint64_t evid)');
  // open and fcntl are variadic in C: declared so, so that the call follows the variadic ABI.
  const open = libc.func('int open(const char *path, int oflag, ...)');
  const fcntl = libc.func('int fcntl(int fd, int cmd, ...)');
  const close = libc.func('int close(int fd)');
  const sigsend = libc.func('int sigsend(int idtype, int32_t id, int sig)');
  // errno belongs to the calling thread and any later native call may change it: read it with
  // koffi.errno() at once, never through a second FFI call (`___errno`) made after other work.
  const orErrno = (result: unknown) => ((result as number) === -1 ? -koffi.errno() : (result as number));
  return {
    open: (path, flags) => orErrno(open(path, flags)),
    fcntl: (fd, cmd, arg) => orErrno(fcntl(fd, cmd, 'int', arg)),
    close: (fd) => orErrno(close(fd)),
    sigsend: (idtype, id, signal) => orErrno(sigsend(idtype, id, signal)),
    readdir: (path) => readdirOrError(path),
    ct_tmpl_activate: (fd) => activate(fd) as number,
    ct_tmpl_clear: (fd) => clear(fd) as number,
    ct_tmpl_set_critical: (fd, ev) => setCritical(fd, ev) as number,
    ct_tmpl_set_informative: (fd, ev) => setInformative(fd, ev) as number,
    ct_pr_tmpl_set_fatal: (fd, ev) => setFatal(fd, ev) as number,
    ct_pr_tmpl_set_param: (fd, p) => setParam(fd, p) as number,
    ct_pr_tmpl_set_svc_aux: (fd, text) => setAux(fd, text) as number,
    ct_status_read: (fd, detail, out) => statusRead(fd, detail, out) as number,
    ct_status_free: (h) => void statusFree(h),
    ct_status_get_id: (h) => statusId(h) as number,
    ct_status_get_state: (h) => statusState(h) as number,
    ct_status_get_holder: (h) => statusHolder(h) as number,
    ct_pr_status_get_members: (h, pids, n) => members(h, pids, n) as number,
    ct_pr_status_get_contracts: (h, ids, n) => contracts(h, ids, n) as number,
    ct_pr_status_get_param: (h, out) => param(h, out) as number,
    ct_pr_status_get_svc_aux: (h, out) => aux(h, out) as number,
    ct_pr_status_get_svc_fmri: (h, out) => fmri(h, out) as number,
    ct_pr_status_get_svc_creator: (h, out) => creator(h, out) as number,
    ct_event_read: (fd, out) => eventRead(fd, out) as number,
    ct_event_read_critical: (fd, out) => eventReadCritical(fd, out) as number,
    ct_event_reset: (fd) => eventReset(fd) as number,
    ct_event_free: (h) => void eventFree(h),
    ct_event_get_type: (h) => eventType(h) as number,
    ct_event_get_ctid: (h) => eventCtid(h) as number,
    ct_event_get_evid: (h) => BigInt(eventEvid(h) as number | bigint),
    ct_ctl_abandon: (fd) => abandon(fd) as number,
    ct_ctl_adopt: (fd) => adopt(fd) as number,
    ct_ctl_ack: (fd, evid) => ack(fd, evid) as number,
    copyInts: (pointer, n) => (n === 0 ? [] : Array.from(koffi.decode(pointer, 'int', n) as ArrayLike<number>)),
    // A char array of length -1 decodes up to the NUL.
    copyString: (pointer) => koffi.decode(pointer, 'char', -1) as string,
  };
}

/** `readdirSync`, its failure as a ContractError. Directory opens accept O_CLOEXEC (`ctfs_open`). */
function readdirOrError(path: string): string[] {
  try {
    return readdirSync(path);
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    const name = typeof code === 'string' ? code : 'EIO';
    throw new ContractError(`${path}: ${name}`, name, 'readdir', { cause });
  }
}
