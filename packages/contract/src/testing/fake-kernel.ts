// The contract rules of a FAKE illumos kernel, for tests on machines that are not illumos. Each
// rule names the illumos source it models (usr/src/uts/common/os/contract.c, contract/process.c,
// os/procset.c, fs/proc/prvnops.c). Nothing here touches a real process unless `deliver` is set:
// members are numbers, signals are recorded.
import { CT_PR_ALLEVENT, CT_PR_EV, CT_PR_PARAM, CTE } from '../constants.js';
import type { ContractState } from '../names.js';
import type { Psinfo } from '../psinfo.js';

const EPERM = 1;
const ESRCH = 3;
const EINVAL = 22;
const SIGKILL = 9;

/** The terms a template carries into the contracts it creates. */
export interface FakeTerms {
  params: number;
  critical: number;
  informative: number;
  fatal: number;
  /** The creator's aux string; undefined until set (the contract then reads `''`). */
  aux?: string | undefined;
}

/** The kernel's defaults (`contract/process.c`): critical EMPTY|HWERR, informative CORE|SIGNAL, fatal HWERR. */
export const DEFAULT_TERMS: Readonly<FakeTerms> = Object.freeze({
  params: 0,
  critical: CT_PR_EV.EMPTY | CT_PR_EV.HWERR,
  informative: CT_PR_EV.CORE | CT_PR_EV.SIGNAL,
  fatal: CT_PR_EV.HWERR,
  aux: undefined,
});

/** An event in a contract's queue. `flags`: CTE_ACK (acknowledged) and CTE_INFO (informative). */
export interface FakeEvent {
  readonly evid: bigint;
  readonly type: number;
  readonly ctid: number;
  flags: number;
}

/** One process contract as the fake kernel keeps it. */
export interface FakeContract {
  readonly id: number;
  state: ContractState;
  /** The holder's pid while `owned`. */
  owner: number | undefined;
  /** The regent contract: the creator's own contract until abandoned; the holder while `inherited`. */
  regent: number | undefined;
  members: number[];
  terms: FakeTerms;
  /** The creator's uid (`ct_cuid`): who may read its events without privilege. */
  uid: number;
  /** The aux string `ct_pr_status_get_svc_aux` answers (`''` by default). */
  aux: string;
  fmri: string;
  creator: string;
  readonly events: FakeEvent[];
}

/** A process the fake kernel knows: what its psinfo says, and whether it is still being forked. */
export interface FakeProcess {
  ppid: number;
  pgid: number;
  uid: number;
  startNs: bigint;
  /** Mid-fork (SIDL): a contract member already, but hidden by procfs and skipped by `sigsend`. */
  sidl: boolean;
}

/** What `addContract` accepts; unset fields: owned by this process, no member, default terms. */
export type FakeContractInit = Partial<Omit<FakeContract, 'id' | 'events' | 'terms'>> & { terms?: Partial<FakeTerms> };

/**
 * The fake kernel: contracts, their members and event queues, member processes (for psinfo), the
 * calling process (`self`, with its own process contract) and, per thread (LWP), the active
 * template and `latest`.
 */
export class FakeKernel {
  /**
   * The process making the calls, the process contract it is a member of, its uid, and whether
   * it has the contract privileges (`contract_event`, `contract_observer`); by default it has not.
   */
  readonly self = { pid: process.pid, contract: 1, uid: 1000, privileged: false };
  readonly contracts = new Map<number, FakeContract>();
  readonly processes = new Map<number, FakeProcess>();
  /** The thread (LWP) making the calls now; `onThread` runs code on another one. */
  thread = 1;
  /** Every signal posted, in order. */
  readonly signals: { pid: number; signal: number }[] = [];
  /** Members this user may not signal: sigsend skips them, and answers EPERM if it reached none. */
  readonly unsignallable = new Set<number>();
  /** Called after each sigsend delivery: a test forks "during delivery" here. */
  onSigsend: ((ctid: number, signal: number) => void) | undefined;
  /**
   * Delivers a signal to a real process. Unset, members are only numbers: a SIGKILL is posted
   * and they leave when it lands (`settle()`, or on the next turn of the event loop). Set (to
   * `process.kill`, for members that are real children), signals go to the process, and it
   * leaves when the test reports its exit with `exit(pid)`.
   */
  deliver: ((pid: number, signal: number) => void) | undefined;
  readonly #active = new Map<number, FakeTerms>();
  readonly #latest = new Map<number, number>();
  /** SIGKILLs posted and not yet landed: the kernel posts them, the process dies when it next runs. */
  readonly #dying = new Set<number>();
  #settling = false;
  #nextId = 2;
  #nextEvid = 1n;
  #clock = 1_700_000_000_000_000_000n;

  constructor() {
    this.contracts.set(this.self.contract, {
      id: this.self.contract,
      state: 'owned',
      owner: 1,
      regent: undefined,
      members: [this.self.pid],
      terms: { ...DEFAULT_TERMS, params: CT_PR_PARAM.REGENT },
      uid: this.self.uid,
      aux: '',
      fmri: 'svc:/fake/session:default',
      creator: 'sshd',
      events: [],
    });
    this.#born(this.self.pid, 1, false);
  }

  /** The calling thread's active template (`lwp_ct_active`), set by `ct_tmpl_activate`. */
  get activeTemplate(): FakeTerms | undefined {
    return this.#active.get(this.thread);
  }
  set activeTemplate(terms: FakeTerms | undefined) {
    if (terms === undefined) this.#active.delete(this.thread);
    else this.#active.set(this.thread, terms);
  }
  /** The last contract the calling thread created (`lwp_ct_latest`, `ctfs_latest.c`). */
  get latest(): number | undefined {
    return this.#latest.get(this.thread);
  }
  set latest(ctid: number | undefined) {
    if (ctid === undefined) this.#latest.delete(this.thread);
    else this.#latest.set(this.thread, ctid);
  }

  /** Runs `work` as thread `lwp` of this process (a libuv threadpool thread, a koffi `.async` call). */
  onThread<T>(lwp: number, work: () => T): T {
    const before = this.thread;
    this.thread = lwp;
    try {
      return work();
    } finally {
      this.thread = before;
    }
  }

  /** The fake clock `pr_start` is read on (ns since the epoch); each reading moves it on by 1 ms. */
  nowNs(): bigint {
    this.#clock += 1_000_000n;
    return this.#clock;
  }

  /** Sets up a contract (held by this process unless told otherwise); its members become known processes. */
  addContract(init: FakeContractInit = {}): FakeContract {
    const contract: FakeContract = {
      id: this.#nextId++,
      state: init.state ?? 'owned',
      owner: init.owner ?? ((init.state ?? 'owned') === 'owned' ? this.self.pid : undefined),
      regent: init.regent ?? (init.state === 'orphan' ? undefined : this.self.contract),
      members: [...(init.members ?? [])],
      terms: { ...DEFAULT_TERMS, ...init.terms },
      uid: init.uid ?? this.self.uid,
      aux: init.aux ?? init.terms?.aux ?? '',
      fmri: init.fmri ?? this.contracts.get(this.self.contract)?.fmri ?? '',
      creator: init.creator ?? 'node',
      events: [],
    };
    this.contracts.set(contract.id, contract);
    for (const pid of contract.members) this.#born(pid, this.self.pid, false);
    return contract;
  }

  contract(ctid: number): FakeContract | undefined {
    return this.contracts.get(ctid);
  }

  /**
   * Whether `/system/contract/process/<id>` exists. A destroyed contract lingers while something
   * references it: here, some thread's `latest` (`contract_ctor` gives it two references).
   */
  visible(ctid: number): boolean {
    const c = this.contracts.get(ctid);
    return c !== undefined && (c.state !== 'dead' || [...this.#latest.values()].includes(ctid));
  }

  /**
   * The calling thread forked `pid`. With an active template *on this thread* the child starts
   * in a new contract held by this process, and this thread's `latest` moves to it
   * (`contract_process_fork`, `contract_ctor`); else it joins this process's contract. With
   * `sidl` the fork is still under way (`finishFork` ends it). Returns the new contract's id.
   */
  fork(pid: number, options: { ppid?: number; sidl?: boolean } = {}): number | undefined {
    this.#born(pid, options.ppid ?? this.self.pid, options.sidl ?? false);
    const template = this.activeTemplate;
    if (template === undefined) {
      this.contracts.get(this.self.contract)?.members.push(pid);
      return undefined;
    }
    const contract = this.addContract({ members: [pid], terms: { ...template }, aux: template.aux ?? '' });
    this.latest = contract.id;
    return contract.id;
  }

  /** Member `parent` forked `pid` into its own contract (a member's fork never starts a contract of pg's). */
  memberFork(parent: number, pid: number, options: { sidl?: boolean } = {}): void {
    const c = this.#contractOf(parent);
    if (c === undefined) throw new Error(`fake kernel: ${parent} is in no contract`);
    this.#born(pid, parent, options.sidl ?? false);
    c.members.push(pid);
  }

  /** The fork of `pid` completed: procfs shows it, `sigsend` reaches it. */
  finishFork(pid: number): void {
    const p = this.processes.get(pid);
    if (p !== undefined) p.sidl = false;
  }

  /** `pid` exited: it leaves its contract at once, before it is reaped (`exit.c`). */
  exit(pid: number): void {
    this.processes.delete(pid);
    this.#dying.delete(pid);
    for (const c of this.contracts.values()) {
      const i = c.members.indexOf(pid);
      if (i < 0) continue;
      c.members.splice(i, 1);
      if (c.members.length === 0 && c.id !== this.self.contract) this.#emptied(c);
      return;
    }
  }

  /** Lands every posted SIGKILL now: those members exit. */
  settle(): void {
    for (const pid of [...this.#dying]) this.exit(pid);
  }

  /**
   * `/proc/<pid>/psinfo`: undefined for a process procfs does not show, gone or still SIDL
   * (`pr_lookup_procdir`). Its contract is the one it is a member of.
   */
  psinfo(pid: number): Psinfo | undefined {
    const p = this.processes.get(pid);
    if (p === undefined || p.sidl) return undefined;
    return { pid, ppid: p.ppid, pgid: p.pgid, sid: p.pgid, uid: p.uid, euid: p.uid, startNs: p.startNs, zoneid: 0, contract: this.#contractOf(pid)?.id ?? -1, fname: 'fake', psargs: 'fake' };
  }

  /** Whether this process may signal `pid` (`kill(pid, 0)`). */
  maySignal(pid: number): boolean {
    return !this.unsignallable.has(pid);
  }

  /**
   * `sigsend(P_CTID)` (`dotoprocs`): every member this user may signal gets it, except those
   * still being forked (SIDL), which are skipped. ESRCH when no member was found, EPERM when
   * none could be signalled (one that could makes it 0, even if others could not). Returns 0 or
   * the errno.
   */
  sigsend(ctid: number, signal: number): number {
    const c = this.contracts.get(ctid);
    const found = (c?.members ?? []).filter((pid) => this.processes.get(pid)?.sidl !== true);
    if (found.length === 0) return ESRCH;
    let sent = 0;
    for (const pid of found) {
      if (this.unsignallable.has(pid)) continue;
      this.#signal(pid, signal);
      sent++;
    }
    this.onSigsend?.(ctid, signal);
    return sent === 0 ? EPERM : 0;
  }

  /**
   * `contract_abandon` by `pid`: EINVAL unless it holds the contract. An empty contract is
   * destroyed; otherwise it is orphaned: its critical events are acknowledged
   * (`contract_orphan`), and with NOORPHAN every member the creator may signal is sent SIGKILL
   * (`contract_process_kill` with `checkpriv`). The kill is posted: the members leave later.
   */
  abandon(ctid: number, pid: number): number {
    const c = this.contracts.get(ctid);
    if (c === undefined || c.state !== 'owned' || c.owner !== pid) return EINVAL;
    c.owner = undefined;
    c.regent = undefined;
    if (c.members.length === 0) {
      this.#destroy(c);
      return 0;
    }
    if ((c.terms.params & CT_PR_PARAM.NOORPHAN) !== 0) {
      for (const member of [...c.members]) if (!this.unsignallable.has(member)) this.#signal(member, SIGKILL);
    }
    c.state = 'orphan';
    for (const e of c.events) if ((e.flags & CTE.INFO) === 0) e.flags |= CTE.ACK;
    return 0;
  }

  /**
   * Member `pid` had a fatal-capable event (`contract_process_core`, `_hwerr`, `_sig`): it is
   * published, and if the event is in the fatal set the members are killed, with PGRPONLY only
   * those in `pid`'s process group and not still being forked (`contract_process_kill`).
   */
  fault(pid: number, event: number): void {
    const c = this.#contractOf(pid);
    if (c === undefined) return;
    this.#publish(c, event);
    if ((c.terms.fatal & event) === 0) return;
    const pgrp = (c.terms.params & CT_PR_PARAM.PGRPONLY) !== 0 ? this.processes.get(pid)?.pgid : undefined;
    for (const member of [...c.members]) {
      const p = this.processes.get(member);
      if (member === pid || (pgrp !== undefined && (p?.sidl === true || p?.pgid !== pgrp)) || this.unsignallable.has(member)) continue;
      this.#signal(member, SIGKILL);
    }
  }

  /**
   * `contract_adopt`: only an inherited contract whose regent is the caller's own contract
   * (EINVAL otherwise). The caller becomes its holder.
   */
  adopt(ctid: number, pid: number): number {
    const c = this.contracts.get(ctid);
    if (c === undefined || c.state !== 'inherited' || c.regent !== this.self.contract || pid !== this.self.pid) return EINVAL;
    c.state = 'owned';
    c.owner = pid;
    return 0;
  }

  /** `contract_ack`: ESRCH unless `evid` is an unacknowledged critical event of the contract. */
  ack(ctid: number, evid: bigint): number {
    const event = this.contracts.get(ctid)?.events.find((e) => e.evid === evid);
    if (event === undefined || (event.flags & (CTE.ACK | CTE.INFO)) !== 0) return ESRCH;
    event.flags |= CTE.ACK;
    return 0;
  }

  /**
   * `contract_owned` as `secpolicy_contract_observer` asks it: the caller holds the contract, or
   * its uid is the creator's; else only with privilege (EPERM).
   */
  observe(c: FakeContract): number {
    return c.owner === this.self.pid || c.uid === this.self.uid || this.self.privileged ? 0 : EPERM;
  }

  /** Ids of the contracts inherited by contract `ctid` (its regent duty). */
  inheritedBy(ctid: number): number[] {
    return [...this.contracts.values()].filter((c) => c.state === 'inherited' && c.regent === ctid).map((c) => c.id);
  }

  /** What `ct_status_get_holder` answers: the holder's pid, the regent when inherited, else 0. */
  holder(c: FakeContract): number {
    return c.state === 'owned' ? (c.owner ?? 0) : c.state === 'inherited' ? (c.regent ?? 0) : 0;
  }

  #born(pid: number, ppid: number, sidl: boolean): void {
    if (!this.processes.has(pid)) this.processes.set(pid, { ppid, pgid: pid, uid: this.self.uid, startNs: this.nowNs(), sidl });
  }

  #contractOf(pid: number): FakeContract | undefined {
    for (const c of this.contracts.values()) if (c.members.includes(pid)) return c;
    return undefined;
  }

  #signal(pid: number, signal: number): void {
    this.signals.push({ pid, signal });
    if (this.deliver !== undefined) return this.deliver(pid, signal);
    if (signal !== SIGKILL) return;
    this.#dying.add(pid);
    if (this.#settling) return;
    this.#settling = true;
    setImmediate(() => {
      this.#settling = false;
      this.settle();
    });
  }

  /** The last member left: EMPTY is published; an orphan is then destroyed (`contract_process_exit`). */
  #emptied(c: FakeContract): void {
    this.#publish(c, CT_PR_EV.EMPTY);
    if (c.state === 'orphan') this.#destroy(c);
  }

  /**
   * `cte_publish_all`: an event outside the critical set is informative; a critical event of a
   * contract that is orphaned (or dead) is published already acknowledged.
   */
  #publish(c: FakeContract, type: number): void {
    if (c.state === 'dead' || (type & CT_PR_ALLEVENT) === 0) return;
    if (((c.terms.critical | c.terms.informative) & type) === 0) return; // EVSENDP: not asked for
    const critical = (c.terms.critical & type) !== 0;
    const flags = !critical ? CTE.INFO : c.state === 'orphan' ? CTE.ACK : 0;
    c.events.push({ evid: this.#nextEvid++, type, ctid: c.id, flags });
  }

  /** `contract_destroy`: dead; its queue drained (`cte_queue_drain`) so no reader sees its events again. */
  #destroy(c: FakeContract): void {
    c.state = 'dead';
    c.owner = undefined;
    c.regent = undefined;
    c.events.splice(0);
  }
}
