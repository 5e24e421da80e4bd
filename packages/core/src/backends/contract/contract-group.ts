import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BackendGroup, GroupStats, Member } from '../../backend.js';
import { PermissionError } from '../../errors/index.js';
import type { ContractBinding } from './binding.js';
import { contractCode, wrapContractError } from './errors.js';
import { describeMembers } from './ps.js';

/** A signal pass that keeps finding new members this many times is a fork bomb: give up loudly. */
const MAX_SIGNAL_PASSES = 100;
/** SIGKILL passes before giving up; each pause is at most 50 ms. */
const MAX_KILL_PASSES = 2000;
const SIGKILL = 9;

/**
 * A group that is one process contract. The kernel keeps membership: every process forked by a
 * member is a member, whatever it does (`setsid`, double fork). A member leaves at exit, before
 * it is reaped (`exit.c`), so zombies are never members.
 *
 * `held`: this process holds the contract (it spawned it, or adopted it). Only the holder
 * receives the critical EMPTY event and can abandon; an attached contract held elsewhere is
 * watched by reading its status.
 */
export class ContractGroup implements BackendGroup {
  readonly id: string;
  readonly child: ChildProcess | undefined;
  readonly #binding: ContractBinding;
  readonly #ctid: number;
  #held: boolean;
  #emptySeen = false;
  /** Fires when the contract is abandoned, to move `watchEmpty` from events to status reads. */
  readonly #released = new AbortController();
  #wake: (() => void) | undefined;

  constructor(binding: ContractBinding, ctid: number, child: ChildProcess | undefined, held: boolean) {
    this.#binding = binding;
    this.#ctid = ctid;
    this.id = String(ctid);
    this.child = child;
    this.#held = held;
  }

  /** Member pids now, from the status (read with CTD_ALL, copied, freed once). `[]` once the contract is gone. */
  memberPids(): number[] {
    let status;
    try {
      status = this.#binding.openStatus(this.#ctid);
    } catch (error) {
      if (contractCode(error) === 'ENOENT') return [];
      throw wrapContractError(error, this.#ctid);
    }
    try {
      // Copy before free: the array lives inside the status handle (libcontract process.c).
      return status.members();
    } catch (error) {
      throw wrapContractError(error, this.#ctid);
    } finally {
      status.free();
    }
  }

  async members(): Promise<Member[]> {
    return describeMembers(this.memberPids());
  }

  /**
   * `sigsend(P_CTID)`: the kernel signals by contract, so no recycled pid can be hit. It skips
   * processes mid-fork (SIDL, `dotoprocs()` in `os/procset.c`), so it is repeated while a pass
   * finds members that were not there before it; those present throughout may get the signal
   * more than once.
   */
  async signal(signal: number): Promise<void> {
    let known = new Set(this.memberPids());
    for (let pass = 0; pass < MAX_SIGNAL_PASSES; pass++) {
      if (!this.#send(signal)) return;
      const now = this.memberPids();
      if (now.every((pid) => known.has(pid))) return;
      known = new Set([...known, ...now]);
    }
    throw new PermissionError(`contract ${this.id} kept forking new members through ${MAX_SIGNAL_PASSES} signal passes`);
  }

  /**
   * SIGKILL every member. When this process holds the contract it is abandoned first: with
   * NOORPHAN the kernel then kills every member under `ct_lock`, which fork also takes, so no
   * child can escape (`contract_process_kill()`). Then `sigsend(P_CTID, SIGKILL)` repeats until
   * ESRCH (no live member) or the EMPTY event, because on its own it skips processes mid-fork.
   */
  async kill(): Promise<void> {
    if (this.#held) this.#release();
    for (let pass = 0, wait = 1; !this.#emptySeen; pass++, wait = Math.min(wait * 2, 50)) {
      if (!this.#send(SIGKILL)) return;
      if (pass >= MAX_KILL_PASSES) throw new PermissionError(`contract ${this.id} still had live members after ${MAX_KILL_PASSES} SIGKILL passes`);
      await sleep(wait);
    }
  }

  /**
   * The holder waits for `CT_PR_EV_EMPTY` on the contract's event fd (acknowledged when seen).
   * Once abandoned, or when attached to a contract held elsewhere, the status is read instead,
   * backing off from 2 ms to 50 ms, until it has no member or no longer exists.
   */
  async watchEmpty(abort: AbortSignal): Promise<void> {
    if (this.#held) {
      const stop = AbortSignal.any([abort, this.#released.signal]);
      try {
        if (await this.#binding.waitEmpty(this.#ctid, stop)) {
          this.#emptySeen = true;
          return;
        }
      } catch (error) {
        throw wrapContractError(error, this.#ctid);
      }
    }
    for (let wait = 2; !abort.aborted; wait = Math.min(wait * 2, 50)) {
      if (this.memberPids().length === 0) {
        this.#emptySeen = true;
        return;
      }
      const woken = new AbortController();
      this.#wake = () => woken.abort();
      await sleep(wait, undefined, { signal: AbortSignal.any([abort, woken.signal]) }).catch(() => undefined);
      this.#wake = undefined;
    }
  }

  kick(): void {
    this.#wake?.();
  }

  async stats(): Promise<GroupStats> {
    return { pids: this.memberPids().length };
  }

  /** Abandons the contract if this process still holds it: an empty contract is then destroyed. */
  async close(): Promise<void> {
    if (this.#held) this.#release();
  }

  /** `ct_ctl_abandon`, once; a contract already gone is not an error. */
  #release(): void {
    this.#held = false;
    try {
      this.#binding.abandon(this.#ctid);
    } catch (error) {
      if (contractCode(error) !== 'ENOENT') throw wrapContractError(error, this.#ctid);
    } finally {
      this.#released.abort();
    }
  }

  #send(signal: number): boolean {
    try {
      return this.#binding.sigsend(this.#ctid, signal);
    } catch (error) {
      throw wrapContractError(error, this.#ctid);
    }
  }
}
