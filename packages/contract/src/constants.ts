// Numbers from the illumos sources (docs/illumos.md), x86_64 LP64. They are the kernel's
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

/** The illumos errno numbers libcontract, `open`, `fcntl` and `sigsend` report (`sys/errno.h`). */
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
  20: 'ENOTDIR',
  22: 'EINVAL',
  23: 'ENFILE',
  24: 'EMFILE',
  36: 'EIDRM',
  78: 'ENAMETOOLONG',
  89: 'ENOSYS',
  90: 'ELOOP',
  93: 'ENOTEMPTY',
});

/**
 * `open(2)` flags on illumos (`sys/fcntl.h`); not Node's `fs.constants`, which are this
 * machine's. ctfs checks the flags an open arrives with exactly (`ctfs_tmpl_open`,
 * `ctfs_ctl_open`, `ctfs_latest_open`, `ctfs_endpoint_open`): anything beyond the access mode,
 * `FOFFMAX` and (for event files) `FNONBLOCK` is EINVAL, O_CLOEXEC included.
 */
export const O = Object.freeze({
  RDONLY: 0,
  WRONLY: 1,
  RDWR: 2,
  NONBLOCK: 0x80,
  /** Becomes the kernel's FOFFMAX; a 64-bit process gets it on every open (`OPENMODE64`, `syscall/open.c`). */
  LARGEFILE: 0x2000,
  /** What libuv adds to every `fs.open`: the reason ctfs files are opened through libc instead. */
  CLOEXEC: 0x800000,
});

/** `fcntl(2)` commands and the descriptor flag (`sys/fcntl.h`). */
export const F_GETFD = 1;
export const F_SETFD = 2;
export const FD_CLOEXEC = 1;

/** ctfs paths (contract(5)). */
export const CTFS = '/system/contract';
export const CTFS_PROCESS = `${CTFS}/process`;
/** Each open gives a fresh process template. Open O_RDWR, nothing else (`ctfs_tmpl_open`). */
export const TEMPLATE_PATH = `${CTFS_PROCESS}/template`;
/** Status of the last contract created by the opening LWP. Open O_RDONLY, nothing else (`ctfs_latest_open`). */
export const LATEST_PATH = `${CTFS_PROCESS}/latest`;
/** Events of every contract this process holds. */
export const PBUNDLE_PATH = `${CTFS_PROCESS}/pbundle`;

/**
 * The directory of one contract: `ctl` (O_WRONLY, nothing else), `status` (O_RDONLY) and
 * `events` (O_RDONLY, optionally O_NONBLOCK, nothing else).
 */
export function contractDir(ctid: number): string {
  return `${CTFS_PROCESS}/${ctid}`;
}

/** The shared object libcontract is loaded from (`/lib/64` on LP64). */
export const LIBCONTRACT = 'libcontract.so.1';
