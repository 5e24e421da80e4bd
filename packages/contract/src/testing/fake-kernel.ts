// The contract rules of a FAKE illumos kernel, for tests on machines that are not illumos. Each
// rule names the illumos source it models (usr/src/uts/common/os/contract.c, contract/process.c).
// Nothing here touches a real process: members are numbers, signals are recorded.
import { CT_PR_ALLEVENT, CT_PR_EV, CT_PR_PARAM, CTE } from '../constants.js';
import type { ContractState } from '../names.js';

const EPERM = 1;
const ESRCH = 3;
const EINVAL = 22;

/** The terms a template carries into the contracts it creates. */
export interface FakeTerms {
  params: number;
  critical: number;
  informative: number;
  fatal: number;
}

/** The kernel's defaults (`contract/process.c`): critical EMPTY|HWERR, informative CORE|SIGNAL, fatal HWERR. */
export const DEFAULT_TERMS: Readonly<FakeTerms> = Object.freeze({
  params: 0,
  critical: CT_PR_EV.EMPTY | CT_PR_EV.HWERR,
  informative: CT_PR_EV.CORE | CT_PR_EV.SIGNAL,
  fatal: CT_PR_EV.HWERR,
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
  readonly events: FakeEvent[];
}

/** What `addContract` accepts; unset fields: owned by this process, no member, default terms. */
export type FakeContractInit = Partial<Omit<FakeContract, 'id' | 'events' | 'terms'>> & { terms?: Partial<FakeTerms> };

/**
 * The fake kernel: contracts, their members and event queues, the calling process (`self`, with
 * its own process contract) and the calling thread's active template and `latest`.
 */
export class FakeKernel {
  /** The process making the calls, and the process contract it is a member of. */
  readonly self = { pid: process.pid, contract: 1 };
  readonly contracts = new Map<number, FakeContract>();
  /** The calling thread's active template (`lwp_ct_active`), set by `ct_tmpl_activate`. */
  activeTemplate: FakeTerms | undefined;
  /** The last contract the calling thread created (`lwp_ct_latest`). */
  latest: number | undefined;
  /** Every signal delivered, in order. */
  readonly signals: { pid: number; signal: number }[] = [];
  /** Members this user may not signal: sigsend skips them, and answers EPERM if it reached none. */
  readonly unsignallable = new Set<number>();
  /** Called after each sigsend delivery: a test forks "during delivery" here. */
  onSigsend: ((ctid: number, signal: number) => void) | undefined;
  /**
   * Delivers a signal to a real process. Unset, members are only numbers: a SIGKILL makes them
   * leave at once. Set (to `process.kill`, for members that are real children), signals go to
   * the process, and it leaves when the test reports its exit with `exit(pid)`.
   */
  deliver: ((pid: number, signal: number) => void) | undefined;
  #nextId = 2;
  #nextEvid = 1n;

  constructor() {
    this.contracts.set(this.self.contract, {
      id: this.self.contract,
      state: 'owned',
      owner: 1,
      regent: undefined,
      members: [this.self.pid],
      terms: { ...DEFAULT_TERMS, params: CT_PR_PARAM.REGENT },
      events: [],
    });
  }

  /** Sets up a contract (held by this process unless told otherwise). */
  addContract(init: FakeContractInit = {}): FakeContract {
    const contract: FakeContract = {
      id: this.#nextId++,
      state: init.state ?? 'owned',
      owner: init.owner ?? ((init.state ?? 'owned') === 'owned' ? this.self.pid : undefined),
      regent: init.regent ?? (init.state === 'orphan' ? undefined : this.self.contract),
      members: [...(init.members ?? [])],
      terms: { ...DEFAULT_TERMS, ...init.terms },
      events: [],
    };
    this.contracts.set(contract.id, contract);
    return contract;
  }

  contract(ctid: number): FakeContract | undefined {
    return this.contracts.get(ctid);
  }

  /**
   * Whether `/system/contract/process/<id>` exists. A destroyed contract lingers while something
   * references it: here, the thread's `latest` (`contract_ctor` gives it two references).
   */
  visible(ctid: number): boolean {
    const c = this.contracts.get(ctid);
    return c !== undefined && (c.state !== 'dead' || this.latest === ctid);
  }

  /**
   * The calling thread forked `pid`. With an active template the child starts in a new contract
   * held by this process, and `latest` moves to it (`contract_process_fork`, `contract_ctor`);
   * else it joins this process's contract. Returns the new contract's id, if any.
   */
  fork(pid: number): number | undefined {
    if (this.activeTemplate === undefined) {
      this.contracts.get(this.self.contract)?.members.push(pid);
      return undefined;
    }
    const contract = this.addContract({ members: [pid], terms: { ...this.activeTemplate } });
    this.latest = contract.id;
    return contract.id;
  }

  /** `pid` exited: it leaves its contract at once, before it is reaped (`exit.c`). */
  exit(pid: number): void {
    for (const c of this.contracts.values()) {
      const i = c.members.indexOf(pid);
      if (i < 0) continue;
      c.members.splice(i, 1);
      if (c.members.length === 0 && c.id !== this.self.contract) this.#emptied(c);
      return;
    }
  }

  /**
   * `sigsend(P_CTID)`: every member this user may signal gets it; SIGKILL makes it exit here.
   * ESRCH when there is no member, EPERM when none could be signalled. Returns 0 or the errno.
   */
  sigsend(ctid: number, signal: number): number {
    const c = this.contracts.get(ctid);
    if (c === undefined || c.members.length === 0) return ESRCH;
    let sent = 0;
    for (const pid of [...c.members]) {
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
   * (`contract_orphan`), and with NOORPHAN every member is killed.
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
    c.state = 'orphan';
    for (const e of c.events) if ((e.flags & CTE.INFO) === 0) e.flags |= CTE.ACK;
    if ((c.terms.params & CT_PR_PARAM.NOORPHAN) !== 0) {
      for (const member of [...c.members]) this.#signal(member, 9);
    }
    return 0;
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

  /** Ids of the contracts inherited by contract `ctid` (its regent duty). */
  inheritedBy(ctid: number): number[] {
    return [...this.contracts.values()].filter((c) => c.state === 'inherited' && c.regent === ctid).map((c) => c.id);
  }

  /** What `ct_status_get_holder` answers: the holder's pid, the regent when inherited, else 0. */
  holder(c: FakeContract): number {
    return c.state === 'owned' ? (c.owner ?? 0) : c.state === 'inherited' ? (c.regent ?? 0) : 0;
  }

  #signal(pid: number, signal: number): void {
    this.signals.push({ pid, signal });
    if (this.deliver !== undefined) this.deliver(pid, signal);
    else if (signal === 9) this.exit(pid);
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
