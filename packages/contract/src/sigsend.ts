import { P_CTID } from './constants.js';
import { callError } from './errors.js';
import { libcontract, type Libcontract } from './ffi.js';

/**
 * Sends `signal` to every member of contract `ctid` (`sigsend(P_CTID, ctid, signal)`). Returns
 * `true` when at least one member was signalled, `false` when none is alive (ESRCH). Throws
 * ContractError `'EPERM'` when no member could be signalled.
 *
 * Not fork-atomic: the kernel's `dotoprocs()` skips processes mid-fork (SIDL), so a child forked
 * during the call can escape. Repeat until `false` or EMPTY, or use `noorphan` plus `abandon`.
 * Unlike libcontract, `sigsend` returns -1 and sets errno.
 */
export function signalContract(ctid: number, signal: number): boolean {
  return signalContractWith(libcontract(), ctid, signal);
}

const ESRCH = 3;

/** @internal */
export function signalContractWith(lib: Libcontract, ctid: number, signal: number): boolean {
  if (!Number.isSafeInteger(ctid) || ctid <= 0) throw new TypeError(`Invalid option \`ctid\`: got ${String(ctid)}, expected a positive integer.`);
  // The binding reads errno at once (koffi.errno()) and hands it back negated.
  const result = lib.sigsend(P_CTID, ctid, signal);
  if (result === 0) return true;
  if (result === -ESRCH) return false;
  throw callError('sigsend', -result, `P_CTID ${ctid}, signal ${signal}`);
}
