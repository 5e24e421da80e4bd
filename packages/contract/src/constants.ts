// Numbers from the illumos sources (reference/illumos.md), x86_64 LP64. They are the kernel's
// ABI, so they are written here once rather than read from Node (which has no table for them).

/** Process contract event bits (`sys/contract/process.h`). */
export const CT_PR_EV = Object.freeze({
  EMPTY: 0x1,
  FORK: 0x2,
  EXIT: 0x4,
  CORE: 0x8,
  SIGNAL: 0x10,
  HWERR: 0x20,
});
/** Every process contract event. */
export const CT_PR_ALLEVENT = 0x3f;
/** The only events that can be fatal: CORE, SIGNAL and HWERR. */
export const CT_PR_ALLFATAL = 0x38;

/**
 * Process contract parameters. `CT_PR_KEEP_EXEC` (0x10) is left out on purpose: gate before
 * Dec 2022 lacks it and answers EINVAL.
 */
export const CT_PR_PARAM = Object.freeze({
  INHERIT: 0x1,
  NOORPHAN: 0x2,
  PGRPONLY: 0x4,
  REGENT: 0x8,
});
/** Every parameter this package knows (without KEEP_EXEC). */
export const CT_PR_ALLPARAM = 0xf;

/** Detail levels of `ct_status_read` (`sys/contract.h`). Members need `CTD_ALL`. */
export const CTD = Object.freeze({ COMMON: 0, FIXED: 1, ALL: 2 });

/** Contract states (`ctstate_t`). */
export const CTS = Object.freeze({ OWNED: 0, INHERITED: 1, ORPHAN: 2, DEAD: 3 });

/** Event flags. */
export const CTE = Object.freeze({ ACK: 0x1, INFO: 0x2, NEG: 0x4 });

/** `idtype_t` for `sigsend` (`sys/procset.h`: P_PID 0 … P_ZONEID 12, P_CTID 13). */
export const P_CTID = 13;

/** The illumos errno numbers libcontract and `sigsend` report (`sys/errno.h`). */
export const ILLUMOS_ERRNO: Readonly<Record<number, string>> = Object.freeze({
  1: 'EPERM',
  2: 'ENOENT',
  3: 'ESRCH',
  4: 'EINTR',
  5: 'EIO',
  9: 'EBADF',
  11: 'EAGAIN',
  12: 'ENOMEM',
  13: 'EACCES',
  14: 'EFAULT',
  16: 'EBUSY',
  22: 'EINVAL',
  24: 'EMFILE',
  89: 'ENOSYS',
  93: 'ENOTEMPTY',
});

/** ctfs paths (contract(5)). */
export const CTFS = '/system/contract';
export const CTFS_PROCESS = `${CTFS}/process`;
/** Each open gives a fresh process template. Open O_RDWR. */
export const TEMPLATE_PATH = `${CTFS_PROCESS}/template`;
/** Status of the last contract created by the opening LWP. */
export const LATEST_PATH = `${CTFS_PROCESS}/latest`;
/** Events of every contract this process holds. */
export const PBUNDLE_PATH = `${CTFS_PROCESS}/pbundle`;

/** The directory of one contract: `ctl` (O_WRONLY), `status` and `events` (O_RDONLY). */
export function contractDir(ctid: number): string {
  return `${CTFS_PROCESS}/${ctid}`;
}

/** The shared object libcontract is loaded from (`/lib/64` on LP64). */
export const LIBCONTRACT = 'libcontract.so.1';
