import { CTFS_PROCESS } from './constants.js';
import { abandonWith, ackWith, adoptWith } from './ctl.js';
import { openEventsWith, waitForEmptyWith, type ContractEventStream, type WaitOptions } from './events.js';
import { libcontract, type Libcontract } from './ffi.js';
import { signalContractWith } from './sigsend.js';
import { latestContractWith, readStatusWith, type ContractStatus, type StatusDetail } from './status.js';
import { openTemplateWith, type ProcessTemplate, type TemplateTerms } from './template.js';

/**
 * Every libcontract operation of this package, bound to one libcontract: the real one
 * (`contracts()`), or the fake of `@pg/contract/testing` where there is no illumos. Code written
 * against a `Contracts` runs unchanged over either, so it can be tested off illumos down to the
 * ctfs opens. The free functions (`readStatus`, `abandon`, …) are this over the real library.
 * Everything is synchronous on the calling thread except `waitForEmpty`.
 */
export class Contracts {
  readonly #lib: Libcontract;

  /** @internal Use `contracts()`, or `contractsOver(fake)` from `@pg/contract/testing`. */
  constructor(lib: Libcontract) {
    this.#lib = lib;
  }

  /** A fresh process template with `terms` (see `ProcessTemplate.open`). */
  openTemplate(terms: TemplateTerms = {}): ProcessTemplate {
    return openTemplateWith(this.#lib, terms);
  }
  /** The last contract the calling thread created, or undefined (see `latestContract`). */
  latest(): number | undefined {
    return latestContractWith(this.#lib);
  }
  /** Contract `target`'s status, copied out (see `readStatus`). */
  readStatus(target: number | 'latest', detail: StatusDetail = 'all'): ContractStatus {
    return readStatusWith(this.#lib, target, detail);
  }
  /** `sigsend(P_CTID)`: false when no member is alive (see `signalContract`). */
  signal(ctid: number, signal: number): boolean {
    return signalContractWith(this.#lib, ctid, signal);
  }
  /** `ct_ctl_abandon` (see `abandon`). */
  abandon(ctid: number): void {
    abandonWith(this.#lib, ctid);
  }
  /** `ct_ctl_adopt` (see `adopt`). */
  adopt(ctid: number): void {
    adoptWith(this.#lib, ctid);
  }
  /** `ct_ctl_ack` (see `ack`). */
  ack(ctid: number, evid: bigint): void {
    ackWith(this.#lib, ctid, evid);
  }
  /** A non-blocking event stream (see `ContractEventStream.open`). */
  openEvents(target: number | 'bundle'): ContractEventStream {
    return openEventsWith(this.#lib, target);
  }
  /** Resolves on `CT_PR_EV_EMPTY` (see `waitForEmpty`). */
  waitForEmpty(ctid: number, options?: WaitOptions): Promise<boolean> {
    return waitForEmptyWith(this.#lib, ctid, options);
  }
  /** Every process contract id this zone shows, sorted (see `processContractIds`). */
  contractIds(): number[] {
    return this.#lib
      .readdir(CTFS_PROCESS)
      .filter((n) => /^\d+$/.test(n))
      .map(Number)
      .sort((a, b) => a - b);
  }
}

let real: Contracts | undefined;

/**
 * The contracts of this machine, through libcontract.so.1 (loaded on the first call, on the
 * main thread). Throws ContractError `'EUNSUPPORTED'` off illumos and `'EFFI'` where koffi or the
 * library cannot be loaded.
 */
export function contracts(): Contracts {
  real ??= new Contracts(libcontract());
  return real;
}
