// A FAKE libcontract (and the libc calls @pg/contract makes) for tests on machines that are not
// illumos, where no such library exists. It implements the same `Libcontract` interface as the
// koffi binding, so everything above that interface runs unchanged. It models the kernel checks
// that decide correctness: the exact open flags each ctfs file accepts, who may open a `ctl` or
// an `events` file, adopt and abandon, the per-thread active template and `latest`, the rules
// for the critical set (pure reductions, EXCESS, the implicit moves to informative), NOORPHAN
// kills posted only to what the creator may kill, events of an abandoned contract arriving
// already acknowledged, and the memory rules of status and event handles. Contracts, members
// and events live in `kernel`.
import { CT_PR_ALLEVENT, CT_PR_ALLFATAL, CT_PR_ALLPARAM, CT_PR_EV, CT_PR_PARAM, CTD, CTE, CTFS_PROCESS, F_GETFD, F_SETFD, FD_CLOEXEC, O, P_CTID } from '../constants.js';
import { ContractError } from '../errors.js';
import type { Libcontract, Out, Pointer } from '../ffi.js';
import { DEFAULT_TERMS, FakeKernel, type FakeTerms } from './fake-kernel.js';

/** `CT_PARAM_MAX_SIZE` (`sys/contract.h`). */
const CT_PARAM_MAX_SIZE = 8192;

const EPERM = 1;
const ENOENT = 2;
const ESRCH = 3;
const EBADF = 9;
const EAGAIN = 11;
const EACCES = 13;
const EINVAL = 22;
const STATES = { owned: 0, inherited: 1, orphan: 2, dead: 3 } as const;

/** What an open fd refers to. */
type FdTarget =
  | { kind: 'template'; terms: FakeTerms }
  | { kind: 'status' | 'ctl'; ctid: number }
  | { kind: 'events'; ctid: number | 'bundle'; nonblock: boolean; after: bigint };
type FakeFd = FdTarget & { path: string; cloexec: boolean };

interface FakeStatus {
  params: number | undefined;
  id: number;
  state: number;
  holder: number;
  members: number[] | undefined;
  contracts: number[] | undefined;
  aux: string | undefined;
  fmri: string | undefined;
  creator: string | undefined;
}

/** The fake, with its call log, its kernel and a knob to make a call fail. Named as a fake on purpose. */
export class FakeLibcontract implements Libcontract {
  readonly kernel = new FakeKernel();
  /** Every call, in order (`open(path)`, `close(path)`, `ct_*`, `sigsend(idtype,id,signal)`). */
  readonly calls: string[] = [];
  /** Handles freed so far (status and event handles). */
  readonly freed: Pointer[] = [];
  readonly #fds = new Map<number, FakeFd>();
  readonly #failures = new Map<string, number[]>();
  readonly #statuses = new Map<Pointer, FakeStatus>();
  readonly #events = new Map<Pointer, { type: number; ctid: number; evid: bigint }>();
  /** Array pointer → [owning handle, values]. */
  readonly #arrays = new Map<Pointer, [Pointer, number[]]>();
  /** String pointer → [owning handle, text]. */
  readonly #strings = new Map<Pointer, [Pointer, string]>();
  #nextFd = 100_000;
  #nextHandle = 1n;

  /** Makes the next call named `call` fail with `errno` (negated for the libc calls, as they report it). */
  failNext(call: string, errno: number): void {
    this.#failures.set(call, [...(this.#failures.get(call) ?? []), errno]);
  }

  /** Paths of the fds opened and not yet closed: a test checks nothing leaks. */
  get openFds(): string[] {
    return [...this.#fds.values()].map((f) => f.path);
  }

  #failure(call: string): number | undefined {
    return this.#failures.get(call)?.shift();
  }
  #int(call: string, run: () => number): number {
    this.calls.push(call);
    return this.#failure(call) ?? run();
  }
  #fd<K extends FakeFd['kind']>(fd: number, kind: K): (FakeFd & { kind: K }) | number {
    const entry = this.#fds.get(fd);
    if (entry === undefined) return EBADF;
    return entry.kind === kind ? (entry as FakeFd & { kind: K }) : EINVAL;
  }

  // --- libc -------------------------------------------------------------------------------

  open = (path: string, flags: number): number => {
    this.calls.push(`open(${path})`);
    const forced = this.#failure('open');
    if (forced !== undefined) return -forced;
    // FOFFMAX (O_LARGEFILE) is on every open of a 64-bit process (`OPENMODE64`): ignore it.
    const result = this.#open(path, flags & ~O.LARGEFILE);
    if (typeof result === 'number') return -result;
    const fd = this.#nextFd++;
    this.#fds.set(fd, { ...result, path, cloexec: false });
    return fd;
  };

  /** The ctfs VOP_ACCESS then VOP_OPEN checks for `path`: the errno, or what the fd refers to. */
  #open(path: string, flags: number): number | FdTarget {
    const mode = flags & 3;
    const k = this.kernel;
    if (path === `${CTFS_PROCESS}/template`) {
      // ctfs_tmpl_open: flag != (FREAD | FWRITE | FOFFMAX) → EINVAL.
      return flags === O.RDWR ? { kind: 'template', terms: { ...DEFAULT_TERMS } } : EINVAL;
    }
    if (path === `${CTFS_PROCESS}/latest`) {
      // ctfs_latest_access: no write, ESRCH without a latest; ctfs_latest_open: flag != (FREAD | FOFFMAX) → EINVAL.
      if (mode !== O.RDONLY) return EACCES;
      if (k.latest === undefined || !k.visible(k.latest)) return ESRCH;
      return flags === O.RDONLY ? { kind: 'status', ctid: k.latest } : EINVAL;
    }
    if (path === `${CTFS_PROCESS}/pbundle`) return this.#endpoint('bundle', flags);
    const match = new RegExp(`^${CTFS_PROCESS}/(\\d+)/(status|ctl|events)$`).exec(path);
    const ctid = Number(match?.[1]);
    const c = k.contract(ctid);
    if (match === null || c === undefined || !k.visible(ctid)) return ENOENT;
    if (match[2] === 'status') {
      // ctfs_access_readonly, then ctfs_open: read-only, other flags accepted.
      return mode === O.RDONLY ? { kind: 'status', ctid } : EACCES;
    }
    if (match[2] === 'ctl') {
      // vn_openat asks VOP_ACCESS first. ctfs_ctl_access: write only, and only the holder, or
      // the caller whose own contract is the regent of an unheld (inherited) contract.
      const mine = c.owner === k.self.pid || (c.owner === undefined && c.regent !== undefined && c.regent === k.self.contract);
      if (mode !== O.WRONLY || !mine) return EACCES;
      // ctfs_ctl_open: flag != (FWRITE | FOFFMAX) → EINVAL.
      return flags === O.WRONLY ? { kind: 'ctl', ctid } : EINVAL;
    }
    // ctfs_ev_access / ctfs_ev_open: secpolicy_contract_observer, EPERM for another user's contract.
    const denied = k.observe(c);
    if (denied !== 0) return denied;
    return this.#endpoint(ctid, flags);
  }

  /** ctfs_endpoint_open: `(flag & ~FNONBLOCK) != (FREAD | FOFFMAX)` → EINVAL. */
  #endpoint(ctid: number | 'bundle', flags: number): number | FdTarget {
    if ((flags & 3) !== O.RDONLY) return EACCES;
    if ((flags & ~O.NONBLOCK) !== O.RDONLY) return EINVAL;
    return { kind: 'events', ctid, nonblock: (flags & O.NONBLOCK) !== 0, after: 0n };
  }

  fcntl = (fd: number, cmd: number, arg: number): number => {
    const forced = this.#failure('fcntl');
    if (forced !== undefined) return -forced;
    const entry = this.#fds.get(fd);
    if (entry === undefined) return -EBADF;
    if (cmd === F_GETFD) return entry.cloexec ? FD_CLOEXEC : 0;
    if (cmd !== F_SETFD) return -EINVAL;
    entry.cloexec = (arg & FD_CLOEXEC) !== 0;
    return 0;
  };

  close = (fd: number): number => {
    const entry = this.#fds.get(fd);
    this.calls.push(`close(${entry?.path ?? fd})`);
    if (entry === undefined) return -EBADF;
    this.#fds.delete(fd);
    return 0;
  };

  sigsend = (idtype: number, id: number, signal: number): number => {
    this.calls.push(`sigsend(${idtype},${id},${signal})`);
    const forced = this.#failure('sigsend');
    if (forced !== undefined) return -forced;
    if (idtype !== P_CTID) return -EINVAL;
    const errno = this.kernel.sigsend(id, signal);
    return errno === 0 ? 0 : -errno;
  };

  readdir = (path: string): string[] => {
    this.calls.push(`readdir(${path})`);
    if (path !== CTFS_PROCESS) throw new ContractError(`${path}: ENOENT`, 'ENOENT', 'readdir');
    const ids = [...this.kernel.contracts.keys()].filter((id) => this.kernel.visible(id));
    return ['template', 'latest', 'pbundle', ...ids.map(String)];
  };

  // --- templates ------------------------------------------------------------------------------

  #template(call: string, fd: number, set: (terms: FakeTerms) => number): number {
    return this.#int(call, () => {
      const entry = this.#fd(fd, 'template');
      return typeof entry === 'number' ? entry : set(entry.terms);
    });
  }
  ct_tmpl_activate = (fd: number) => this.#template('ct_tmpl_activate', fd, (t) => ((this.kernel.activeTemplate = { ...t }), 0));
  ct_tmpl_clear = (fd: number) => this.#template('ct_tmpl_clear', fd, () => ((this.kernel.activeTemplate = undefined), 0));
  ct_pr_tmpl_set_param = (fd: number, bits: number) =>
    this.#template('ct_pr_tmpl_set_param', fd, (t) => {
      if ((bits & ~CT_PR_ALLPARAM) !== 0) return EINVAL;
      t.params = bits;
      // ctmpl_process_set CTPP_PARAMS: unprivileged, PGRPONLY moves every critical event but
      // EMPTY to the informative set.
      if ((t.params & CT_PR_PARAM.PGRPONLY) !== 0 && excess(t, t.critical) && !this.kernel.self.privileged) {
        t.informative |= t.critical & ~SAFE_EV;
        t.critical &= SAFE_EV;
      }
      return 0;
    });
  ct_pr_tmpl_set_fatal = (fd: number, bits: number) =>
    this.#template('ct_pr_tmpl_set_fatal', fd, (t) => {
      if ((bits & ~CT_PR_ALLFATAL) !== 0) return EINVAL;
      t.fatal = bits;
      // ctmpl_process_set CTPP_EV_FATAL: unprivileged, a critical set the new fatal set no longer
      // allows is moved to the informative set. The kernel computes what may stay as
      // `SAFE_EV | (params & PGRPONLY) ? 0 : fatal`, which C reads as `(SAFE_EV | …) ? 0 : fatal`:
      // always 0, so the whole critical set moves, EMPTY included. Set the critical set after.
      if (excess(t, t.critical) && !this.kernel.self.privileged) {
        t.informative |= t.critical;
        t.critical = 0;
      }
      return 0;
    });
  ct_tmpl_set_informative = (fd: number, bits: number) =>
    this.#template('ct_tmpl_set_informative', fd, (t) => ((bits & ~CT_PR_ALLEVENT) !== 0 ? EINVAL : ((t.informative = bits), 0)));
  // ctmpl_set CTP_EV_CRITICAL: a pure reduction of the current set is always allowed; anything
  // else goes to ctmpl_process_set, where unprivileged only EMPTY and events in the fatal set may
  // be critical, and with PGRPONLY only EMPTY (EXCESS → EPERM).
  ct_tmpl_set_critical = (fd: number, bits: number) =>
    this.#template('ct_tmpl_set_critical', fd, (t) => {
      if ((bits & ~CT_PR_ALLEVENT) !== 0) return EINVAL;
      if ((~t.critical & bits) !== 0 && excess(t, bits) && !this.kernel.self.privileged) return EPERM;
      t.critical = bits;
      return 0;
    });
  // ctparam_copyin: a term of more than CT_PARAM_MAX_SIZE bytes (NUL included) is EINVAL; an
  // empty string clears the aux (ctmpl_process_set CTPP_CREATOR_AUX). No privilege is asked.
  ct_pr_tmpl_set_svc_aux = (fd: number, aux: string) =>
    this.#template('ct_pr_tmpl_set_svc_aux', fd, (t) => {
      const size = Buffer.byteLength(aux) + 1;
      if (size > CT_PARAM_MAX_SIZE) return EINVAL;
      t.aux = size === 1 ? undefined : aux;
      return 0;
    });

  // --- status ---------------------------------------------------------------------------------

  ct_status_read = (fd: number, detail: number, out: Out<Pointer>) =>
    this.#int('ct_status_read', () => {
      const entry = this.#fd(fd, 'status');
      if (typeof entry === 'number') return entry;
      const c = this.kernel.contract(entry.ctid);
      if (c === undefined) return ENOENT;
      const all = detail === CTD.ALL;
      const handle = this.#nextHandle++;
      this.#statuses.set(handle, {
        params: detail === CTD.COMMON ? undefined : c.terms.params,
        id: c.id,
        state: STATES[c.state],
        holder: this.kernel.holder(c),
        members: all ? [...c.members] : undefined,
        contracts: all ? this.kernel.inheritedBy(c.id) : undefined,
        aux: all ? c.aux : undefined,
        fmri: all ? c.fmri : undefined,
        creator: all ? c.creator : undefined,
      });
      out[0] = handle;
      return 0;
    });
  ct_status_free = (handle: Pointer) => {
    this.calls.push('ct_status_free');
    if (this.freed.includes(handle)) throw new Error(`fake libcontract: double free of status handle ${handle}`);
    if (!this.#statuses.has(handle)) throw new Error(`fake libcontract: free of unknown pointer ${handle}`);
    this.freed.push(handle);
  };
  #status(handle: Pointer, call: string): FakeStatus {
    this.calls.push(call);
    this.#alive(handle, call);
    const s = this.#statuses.get(handle);
    if (s === undefined) throw new Error(`fake libcontract: ${call} on unknown handle`);
    return s;
  }
  #alive(handle: Pointer, call: string): void {
    if (this.freed.includes(handle)) throw new Error(`fake libcontract: ${call} on freed handle ${handle}`);
  }
  ct_status_get_id = (h: Pointer) => this.#status(h, 'ct_status_get_id').id;
  ct_status_get_state = (h: Pointer) => this.#status(h, 'ct_status_get_state').state;
  ct_status_get_holder = (h: Pointer) => this.#status(h, 'ct_status_get_holder').holder;
  #array(h: Pointer, call: string, pick: (s: FakeStatus) => number[] | undefined, p: Out<Pointer>, n: Out<number>): number {
    const values = pick(this.#status(h, call));
    if (values === undefined) return ENOENT; // read with less than CTD_ALL
    const pointer = this.#nextHandle++;
    this.#arrays.set(pointer, [h, values]);
    p[0] = pointer;
    n[0] = values.length;
    return 0;
  }
  ct_pr_status_get_members = (h: Pointer, p: Out<Pointer>, n: Out<number>) => this.#array(h, 'ct_pr_status_get_members', (s) => s.members, p, n);
  ct_pr_status_get_contracts = (h: Pointer, p: Out<Pointer>, n: Out<number>) => this.#array(h, 'ct_pr_status_get_contracts', (s) => s.contracts, p, n);
  #text(h: Pointer, call: string, pick: (s: FakeStatus) => string | undefined, p: Out<Pointer>): number {
    const text = pick(this.#status(h, call));
    if (text === undefined) return ENOENT; // read with less than CTD_ALL
    const pointer = this.#nextHandle++;
    this.#strings.set(pointer, [h, text]);
    p[0] = pointer;
    return 0;
  }
  ct_pr_status_get_param = (h: Pointer, out: Out<number>) => {
    const params = this.#status(h, 'ct_pr_status_get_param').params;
    if (params === undefined) return ENOENT; // CTD_COMMON has no terms
    out[0] = params;
    return 0;
  };
  ct_pr_status_get_svc_aux = (h: Pointer, p: Out<Pointer>) => this.#text(h, 'ct_pr_status_get_svc_aux', (s) => s.aux, p);
  ct_pr_status_get_svc_fmri = (h: Pointer, p: Out<Pointer>) => this.#text(h, 'ct_pr_status_get_svc_fmri', (s) => s.fmri, p);
  ct_pr_status_get_svc_creator = (h: Pointer, p: Out<Pointer>) => this.#text(h, 'ct_pr_status_get_svc_creator', (s) => s.creator, p);
  copyString = (pointer: Pointer) => {
    this.calls.push('copyString');
    const entry = this.#strings.get(pointer);
    if (entry === undefined) throw new Error('fake libcontract: copy from unknown pointer');
    this.#alive(entry[0], 'copyString (string of a freed status)');
    return entry[1];
  };
  copyInts = (pointer: Pointer, n: number) => {
    this.calls.push('copyInts');
    const entry = this.#arrays.get(pointer);
    if (entry === undefined) throw new Error('fake libcontract: copy from unknown pointer');
    // The array lives in the status handle's nvlist (libcontract process.c): dead with it.
    this.#alive(entry[0], 'copyInts (array of a freed status)');
    return entry[1].slice(0, n);
  };

  // --- events ---------------------------------------------------------------------------------

  ct_event_read = (fd: number, out: Out<Pointer>) => this.#read('ct_event_read', fd, out, false);
  ct_event_read_critical = (fd: number, out: Out<Pointer>) => this.#read('ct_event_read_critical', fd, out, true);
  /**
   * `cte_get_event`: the next event after the listener's position (critical reads skip
   * informative and acknowledged ones). Nothing there: EAGAIN on a non-blocking fd, even when the
   * queue is dead; a blocking read would wait, which the fake refuses to do.
   */
  #read(call: string, fd: number, out: Out<Pointer>, critical: boolean): number {
    return this.#int(call, () => {
      const entry = this.#fd(fd, 'events');
      if (typeof entry === 'number') return entry;
      const queue =
        entry.ctid === 'bundle'
          ? [...this.kernel.contracts.values()].filter((c) => c.owner === this.kernel.self.pid).flatMap((c) => c.events).sort((a, b) => Number(a.evid - b.evid))
          : (this.kernel.contract(entry.ctid)?.events ?? []);
      const next = queue.find((e) => e.evid > entry.after && (!critical || (e.flags & (CTE.ACK | CTE.INFO)) === 0));
      if (next === undefined) {
        if (entry.nonblock) return EAGAIN;
        throw new Error('fake libcontract: a blocking event read with nothing queued would block this thread');
      }
      entry.after = next.evid;
      const handle = this.#nextHandle++;
      this.#events.set(handle, { type: next.type, ctid: next.ctid, evid: next.evid });
      out[0] = handle;
      return 0;
    });
  }
  ct_event_reset = (fd: number) =>
    this.#int('ct_event_reset', () => {
      const entry = this.#fd(fd, 'events');
      if (typeof entry === 'number') return entry;
      entry.after = 0n;
      return 0;
    });
  ct_event_free = (h: Pointer) => {
    this.calls.push('ct_event_free');
    if (this.freed.includes(h)) throw new Error(`fake libcontract: double free of event ${h}`);
    if (!this.#events.has(h)) throw new Error(`fake libcontract: free of unknown event ${h}`);
    this.freed.push(h);
  };
  #event(h: Pointer, call: string) {
    this.calls.push(call);
    this.#alive(h, call);
    const e = this.#events.get(h);
    if (e === undefined) throw new Error('fake libcontract: unknown event handle');
    return e;
  }
  ct_event_get_type = (h: Pointer) => this.#event(h, 'ct_event_get_type').type;
  ct_event_get_ctid = (h: Pointer) => this.#event(h, 'ct_event_get_ctid').ctid;
  ct_event_get_evid = (h: Pointer) => this.#event(h, 'ct_event_get_evid').evid;

  // --- ctl ------------------------------------------------------------------------------------

  #ctl(call: string, fd: number, run: (ctid: number) => number): number {
    return this.#int(call, () => {
      const entry = this.#fd(fd, 'ctl');
      return typeof entry === 'number' ? entry : run(entry.ctid);
    });
  }
  ct_ctl_abandon = (fd: number) => this.#ctl('ct_ctl_abandon', fd, (ctid) => this.kernel.abandon(ctid, this.kernel.self.pid));
  ct_ctl_adopt = (fd: number) => this.#ctl('ct_ctl_adopt', fd, (ctid) => this.kernel.adopt(ctid, this.kernel.self.pid));
  ct_ctl_ack = (fd: number, evid: bigint) => this.#ctl('ct_ctl_ack', fd, (ctid) => this.kernel.ack(ctid, evid));
}

/** `SAFE_EV` (`contract/process.c`): what an unprivileged process may make critical without its being fatal. */
const SAFE_EV = CT_PR_EV.EMPTY;

/** `EXCESS(ctp, value)` (`contract/process.c`): whether critical set `value` needs `contract_event` privilege. */
function excess(t: FakeTerms, value: number): boolean {
  return (value & ~(t.fatal | SAFE_EV)) !== 0 || ((value & ~SAFE_EV) !== 0 && (t.params & CT_PR_PARAM.PGRPONLY) !== 0);
}
