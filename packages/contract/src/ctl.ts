import { contractDir } from './constants.js';
import { check, ContractError } from './errors.js';
import { openCtfs, withFd } from './fds.js';
import { libcontract, type Libcontract } from './ffi.js';

/**
 * Opens contract `ctid`'s `ctl` (O_WRONLY, nothing else: `ctfs_ctl_open`) and runs `use`. The
 * kernel lets a process open it only for a contract it holds, or one inherited by its own
 * process contract (`ctfs_ctl_access`); anyone else gets ContractError `'EACCES'`, before any
 * `ct_ctl_*` call can answer. `'ENOENT'`: no such contract.
 */
function withCtl<T>(lib: Libcontract, ctid: number, use: (fd: number) => T): T {
  const path = `${contractDir(ctid)}/ctl`;
  let fd: number;
  try {
    fd = openCtfs(lib, path, 'w');
  } catch (cause) {
    if (!ContractError.isInstance(cause)) throw cause;
    const why =
      cause.code === 'ENOENT' ? `contract ${ctid} does not exist`
      : cause.code === 'EACCES' ? `contract ${ctid} is neither held by this process nor inherited by its contract`
      : cause.code;
    throw new ContractError(`${path}: ${why}`, cause.code, 'open', { cause });
  }
  return withFd(lib, fd, use);
}

/**
 * Gives up contract `ctid` (`ct_ctl_abandon`). Critical events are acknowledged; an empty
 * contract is destroyed; otherwise it is orphaned, or, with `noorphan`, every member is
 * SIGKILLed atomically (the kernel walks the members under `ct_lock`, which fork also takes).
 * Only the holder can abandon. A contract held by another process is refused at the ctl open
 * (`'EACCES'`); one inherited by this process's own contract passes the open (the regent's
 * members may open its ctl, to adopt it) and then `ct_ctl_abandon` answers `'EINVAL'`
 * (`contract_abandon`: the caller is not its owner). Adopt it first.
 *
 * Abandon every contract you create: an owned contract counts against `project.max-contracts`
 * until abandoned (and destroyed, once empty). One more stays counted per thread: the thread's
 * `latest` keeps a reference to the last contract it created (`contract_ctor` starts it at two
 * references, one for the holder and one for `latest`) until the thread creates another, so a
 * destroyed contract is freed, and uncounted, only then.
 */
export function abandon(ctid: number): void {
  abandonWith(libcontract(), ctid);
}

/**
 * Adopts an inherited contract (`ct_ctl_adopt`). Works only when it is `inherited` and its
 * regent is the caller's own contract. For any other contract held by someone else the ctl open
 * already fails with ContractError `'EACCES'`; `'EINVAL'` remains for one the kernel will not hand
 * over (not inherited, another zone) and `'EBUSY'` for a race with another adopter.
 */
export function adopt(ctid: number): void {
  adoptWith(libcontract(), ctid);
}

/** Acknowledges critical event `evid` of contract `ctid` (`ct_ctl_ack`). */
export function ack(ctid: number, evid: bigint): void {
  ackWith(libcontract(), ctid, evid);
}

/** @internal */
export function abandonWith(lib: Libcontract, ctid: number): void {
  withCtl(lib, ctid, (fd) => check('ct_ctl_abandon', lib.ct_ctl_abandon(fd), `contract ${ctid}`));
}

/** @internal */
export function adoptWith(lib: Libcontract, ctid: number): void {
  withCtl(lib, ctid, (fd) => check('ct_ctl_adopt', lib.ct_ctl_adopt(fd), `contract ${ctid}`));
}

/** @internal */
export function ackWith(lib: Libcontract, ctid: number, evid: bigint): void {
  withCtl(lib, ctid, (fd) => check('ct_ctl_ack', lib.ct_ctl_ack(fd, evid), `contract ${ctid} event ${evid}`));
}
