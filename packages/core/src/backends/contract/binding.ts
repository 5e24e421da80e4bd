import type { ContractState, TemplateTerms } from '@pg/contract';

/** An open process template: activate, clear and close, on the calling thread. */
export interface TemplateLease {
  activate(): void;
  clear(): void;
  close(): void;
}

/** An open status handle, read with full detail. `free()` must be called exactly once. */
export interface StatusLease {
  readonly state: ContractState;
  readonly holder: number;
  /** Member pids, copied out of the handle (valid after `free`). */
  members(): number[];
  free(): void;
}

/**
 * The libcontract operations the contract backend is built on, one call each, so the order the
 * backend calls them in can be checked against a fake where libcontract does not exist. The real
 * one is `libcontractBinding` (over `@pg/contract`). Errors are `@pg/contract` ContractErrors
 * (`code` `'ENOENT'` when the contract is gone).
 */
export interface ContractBinding {
  /** Opens a fresh process template with `terms`. */
  openTemplate(terms: TemplateTerms): TemplateLease;
  /** The last contract the calling thread created (`/system/contract/process/latest`), or undefined. */
  latest(): number | undefined;
  /** Reads contract `ctid`'s status with full detail (`CTD_ALL`). */
  openStatus(ctid: number): StatusLease;
  /** `sigsend(P_CTID, ctid, signal)`: true if a member was signalled, false on ESRCH (none alive). */
  sigsend(ctid: number, signal: number): boolean;
  abandon(ctid: number): void;
  adopt(ctid: number): void;
  /** Resolves true on `CT_PR_EV_EMPTY` (acknowledged) or when the contract is gone; false when `abort` fires. */
  waitEmpty(ctid: number, abort: AbortSignal): Promise<boolean>;
  /** Every process contract id this zone shows. */
  contractIds(): Promise<number[]>;
}
