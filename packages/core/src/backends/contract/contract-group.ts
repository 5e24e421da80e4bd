import type { ChildProcess } from 'node:child_process';
import type { Contracts, ProcessFacts } from '@pg/contract';
import type { BackendGroup, GroupStats, Member } from '../../backend.js';
import type { SignalRound } from '../../rounds.js';
import { SIGKILL } from '../../signals.js';
import { contractCall, contractCode, wrapContractError } from './errors.js';
import { describeMembers } from './ps.js';
import { checkKillable, signalPassOver } from './signal-pass.js';

/** What a contract group needs besides the contract: member facts, and whether pg made it. */
export interface ContractGroupOptions {
  /** psinfo, permission and clock for member processes (`processFacts`, or the fake kernel). */
  readonly facts: ProcessFacts;
  /** Set when the contract lacks pg's mark: why (see `BackendGroup.foreign`). */
  readonly foreign?: string | undefined;
}


/**
 * A group that is one process contract, held by another process: this process only watches it.
 * The kernel keeps membership: every process forked by a member is a member, whatever it does
 * (`setsid`, double fork). A member leaves at exit, before it is reaped (`exit.c`), so zombies
 * are never members. Every read is a status snapshot (`Contracts.readStatus`: copied out, the
 * handle freed inside `@pg/contract`).
 *
 * It has no `watchEmpty`: the EMPTY event is a critical event for the holder, and this process
 * is not the holder (for an orphaned contract the kernel even publishes it already acknowledged).
 * Core polls `isEmpty()` instead. A contract this process holds is a `HeldContractGroup`, which
 * has the event: a class each, so that `watchEmpty` exists exactly where the event does.
 */
export class ContractGroup implements BackendGroup {
  readonly id: string;
  readonly child: ChildProcess | undefined;
  readonly foreign: string | undefined;
  protected readonly contracts: Contracts;
  protected readonly ctid: number;
  protected readonly facts: ProcessFacts;

  constructor(contracts: Contracts, ctid: number, child: ChildProcess | undefined, options: ContractGroupOptions) {
    this.contracts = contracts;
    this.ctid = ctid;
    this.id = String(ctid);
    this.child = child;
    this.facts = options.facts;
    this.foreign = options.foreign;
  }

  /** Member pids of one status snapshot; undefined once the contract no longer exists. */
  protected memberPids(): number[] | undefined {
    try {
      return [...(this.contracts.readStatus(this.ctid, 'all').members ?? [])];
    } catch (error) {
      if (contractCode(error) === 'ENOENT') return undefined;
      throw wrapContractError(error, this.ctid);
    }
  }

  /** Rejects with GroupGoneError once the contract no longer exists. */
  async members(): Promise<Member[]> {
    const status = contractCall(this.ctid, () => this.contracts.readStatus(this.ctid, 'all'));
    return describeMembers(status.members ?? []);
  }

  /**
   * One pass (`signalPassOver`): the members of a status snapshot that are new, read through
   * psinfo, get one `sigsend(P_CTID)`, which delivers `signal` to every member (the kernel
   * signals by contract, so no process outside it is hit). Core repeats passes until one finds
   * nothing new: `sigsend` skips processes mid-fork (SIDL, `dotoprocs()` in `os/procset.c`), and
   * such a member is counted only once procfs shows it, after a send that followed. A contract
   * that is gone has nothing to signal.
   */
  async signalPass(round: SignalRound): Promise<number> {
    const pids = this.memberPids();
    if (pids === undefined) return 0;
    return signalPassOver(this.ctid, pids, this.facts, round, async () => this.sigsend(round.signal), this.id);
  }

  /**
   * One `sigsend(P_CTID, SIGKILL)`. Not atomic against forks on its own: core repeats it until
   * empty. `sigsend` answers EPERM only when it reached nobody, so the members left are checked:
   * one this process may not signal is a PermissionError rather than a 30 s wait.
   */
  async killPass(): Promise<void> {
    this.sigsend(SIGKILL);
    checkKillable(this.memberPids() ?? [], this.facts, this.id);
  }

  /** One status read: no member, or no contract. */
  async isEmpty(): Promise<boolean> {
    return (this.memberPids() ?? []).length === 0;
  }

  async stats(): Promise<GroupStats> {
    return { pids: (this.memberPids() ?? []).length };
  }

  async close(): Promise<void> {
    // Held elsewhere: nothing here to release.
  }

  /** `sigsend(P_CTID)`: false when no member is alive (ESRCH), EPERM → PermissionError. */
  protected sigsend(signal: number): boolean {
    return contractCall(this.ctid, () => this.contracts.signal(this.ctid, signal));
  }
}

/**
 * A contract this process holds: it spawned the leader in it, or adopted it. Emptiness is the
 * kernel's `CT_PR_EV_EMPTY`, read by `Contracts.waitForEmpty` (a non-blocking event fd) and
 * acknowledged.
 *
 * `noorphan` (a contract pg created with `onOwnerExit: 'kill'`): the first kill pass abandons
 * it, and the kernel posts SIGKILL to every member it may kill under `ct_lock`, which fork also
 * takes, so no child escapes (`contract_process_kill()`); they leave the contract as the kill
 * lands, not at once. From then on the contract is an orphan whose EMPTY event
 * arrives already acknowledged and cannot be read (`cte_publish_all`): emptiness is what each
 * later kill pass finds (`sigsend` ESRCH: no member alive) or what `kick()` reads from the status.
 * Core keeps making kill passes until the group is empty, so no loop is needed here.
 * Without `noorphan` (`'keep'`, an adopted contract) abandoning would only orphan the members, so
 * kill passes are `sigsend(SIGKILL)` alone and the EMPTY event stays the signal of emptiness.
 */
export class HeldContractGroup extends ContractGroup {
  readonly #noorphan: boolean;
  /** Aborted when this process abandons the contract: its EMPTY event can no longer be read. */
  readonly #released = new AbortController();
  readonly #empty = deferred();

  constructor(contracts: Contracts, ctid: number, child: ChildProcess | undefined, options: ContractGroupOptions & { readonly noorphan: boolean }) {
    super(contracts, ctid, child, options);
    this.#noorphan = options.noorphan;
  }

  /** Resolves on the EMPTY event (or, once abandoned, when a kill pass or `kick` finds it empty); at once when `abort` fires. */
  watchEmpty(abort: AbortSignal): Promise<void> {
    const stop = AbortSignal.any([abort, this.#released.signal]);
    this.contracts.waitForEmpty(this.ctid, { signal: stop }).then(
      (seen) => {
        if (seen) this.#empty.resolve();
      },
      (error: unknown) => {
        // Once this process abandoned the contract the event is not expected any more.
        if (!this.#released.signal.aborted) this.#empty.reject(wrapContractError(error, this.ctid));
      },
    );
    return new Promise((resolve, reject) => {
      if (abort.aborted) return resolve();
      const onAbort = () => resolve();
      abort.addEventListener('abort', onAbort, { once: true });
      this.#empty.promise.then(resolve, reject).finally(() => abort.removeEventListener('abort', onAbort));
    });
  }

  /**
   * The NOORPHAN abandon reaches only what the creator may kill (`contract_process_cankill`): a
   * setuid member survives it, stays in the orphaned contract, and is then a PermissionError.
   */
  override async killPass(): Promise<void> {
    if (this.#noorphan && !this.#released.signal.aborted) this.#release();
    const alive = this.sigsend(SIGKILL);
    if (!alive && this.#released.signal.aborted) return this.#empty.resolve();
    checkKillable(this.memberPids() ?? [], this.facts, this.id);
  }

  /** After an abandon, re-reads the status: the only way left to see the contract empty. */
  kick(): void {
    if (!this.#released.signal.aborted) return;
    try {
      if ((this.memberPids() ?? []).length === 0) this.#empty.resolve();
    } catch (error) {
      this.#empty.reject(error);
    }
  }

  /** Abandons the contract if this process still holds it: empty by now, it is destroyed. */
  override async close(): Promise<void> {
    if (!this.#released.signal.aborted) this.#release();
  }

  /**
   * `ct_ctl_abandon`, once. The watcher is told first, so that it stops before the status says
   * "not held by this process". A contract already gone is not an error.
   */
  #release(): void {
    this.#released.abort();
    try {
      this.contracts.abandon(this.ctid);
    } catch (error) {
      if (contractCode(error) !== 'ENOENT') throw wrapContractError(error, this.ctid);
    }
  }
}

/** A promise with its resolve and reject (Node 20 has no `Promise.withResolvers`). */
function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Observed by watchEmpty's promise; an unobserved rejection must not crash the process.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}
