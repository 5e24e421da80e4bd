import { contractDir } from './constants.js';
import { check, ContractError } from './errors.js';
import { openCtfs, systemCode, withFd } from './fds.js';
import { libcontract, type Libcontract } from './ffi.js';

function withCtl<T>(ctid: number, use: (fd: number) => T): T {
  const path = `${contractDir(ctid)}/ctl`;
  let fd: number;
  try {
    fd = openCtfs(path, 'w');
  } catch (cause) {
    const code = systemCode(cause) ?? 'EIO';
    throw new ContractError(`${path}: ${code === 'ENOENT' ? `contract ${ctid} does not exist` : code}`, code, 'open', { cause });
  }
  return withFd(fd, use);
}

/**
 * Gives up contract `ctid` (`ct_ctl_abandon`). Critical events are acknowledged; an empty
 * contract is destroyed; otherwise it is orphaned, or, with `noorphan`, every member is
 * SIGKILLed atomically (the kernel walks the members under `ct_lock`, which fork also takes).
 * An owned empty contract counts against `project.max-contracts` until abandoned: always abandon.
 */
export function abandon(ctid: number): void {
  withCtl(ctid, (fd) => check('ct_ctl_abandon', libcontract().ct_ctl_abandon(fd), `contract ${ctid}`));
}

/**
 * Adopts an inherited contract (`ct_ctl_adopt`). Works only when it is `inherited` and its
 * regent is the caller's own contract: otherwise ContractError `'EINVAL'` (`'EBUSY'` on a race).
 */
export function adopt(ctid: number): void {
  withCtl(ctid, (fd) => check('ct_ctl_adopt', libcontract().ct_ctl_adopt(fd), `contract ${ctid}`));
}

/** Acknowledges critical event `evid` of contract `ctid` (`ct_ctl_ack`). */
export function ack(ctid: number, evid: bigint): void {
  ackWith(libcontract(), ctid, evid);
}

/** @internal */
export function ackWith(lib: Libcontract, ctid: number, evid: bigint): void {
  withCtl(ctid, (fd) => check('ct_ctl_ack', lib.ct_ctl_ack(fd, evid), `contract ${ctid} event ${evid}`));
}
