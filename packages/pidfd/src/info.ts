import { PidfdError, syscallError } from './errors.js';
import { libc } from './ffi.js';
import { decodeWaitStatus } from './signals.js';

/** `PIDFD_GET_INFO` = `_IOWR(0xFF, 11, struct pidfd_info)` for the 64-byte VER0 struct (Linux 6.13). */
const PIDFD_GET_INFO = 0xc040ff0b;
const MASK_PID = 1n;
const MASK_CREDS = 2n;
const MASK_CGROUPID = 4n;
const MASK_EXIT = 8n;

/** Credentials of the process, as PIDFD_GET_INFO reports them. */
export interface PidfdCreds {
  ruid: number; euid: number; suid: number; fsuid: number;
  rgid: number; egid: number; sgid: number; fsgid: number;
}

/**
 * What `PIDFD_GET_INFO` reports. A field the kernel did not fill (too old, or not applicable)
 * is undefined: after the process is reaped only `cgroupId` and the exit status remain, and the
 * pids read 0 (they are then reported as undefined).
 */
export interface PidfdInfo {
  /** pid in the caller's pid namespace. */
  pid: number | undefined;
  tgid: number | undefined;
  ppid: number | undefined;
  /** The cgroup v2 id (inode of the cgroup directory) the process is or was in. */
  cgroupId: bigint | undefined;
  creds: PidfdCreds | undefined;
  /**
   * Exit code, only once the process has exited (Linux 6.15; older 6.15+ kernels filled it only
   * after reaping, 6.18 already for a zombie); null when a signal ended it.
   */
  exitCode: number | null | undefined;
  /** The signal that ended it, only once it has exited; null when it exited normally. */
  signal: NodeJS.Signals | null | undefined;
}

/**
 * Read `PIDFD_GET_INFO` for `fd`. Requests every field including EXIT, so a reaped process still
 * answers (without the EXIT bit the kernel gives ESRCH after reaping, docs/linux.md#pidfd_get_info).
 * @throws PidfdError `'ENOTTY'`/`'EINVAL'` → rethrown as `'EUNSUPPORTED'` before Linux 6.13,
 * `'ESRCH'` when the process is gone and the kernel keeps no exit info, `'EBADF'`.
 */
export function readPidfdInfo(fd: number): PidfdInfo {
  const f = libc();
  const buf = Buffer.alloc(64);
  buf.writeBigUInt64LE(MASK_PID | MASK_CREDS | MASK_CGROUPID | MASK_EXIT, 0);
  if (f.ioctl(fd, PIDFD_GET_INFO, buf) !== 0) {
    const err = syscallError('ioctl', f.errno(), 'PIDFD_GET_INFO');
    if (err.code === 'ENOTTY' || err.code === 'EINVAL') {
      throw new PidfdError('PIDFD_GET_INFO is not supported by this kernel (needs Linux 6.13)', 'EUNSUPPORTED', 'ioctl', { cause: err });
    }
    throw err;
  }
  // The returned mask says what was filled: an unsupported field is simply not set.
  const mask = buf.readBigUInt64LE(0);
  const has = (bit: bigint) => (mask & bit) !== 0n;
  const nonzero = (n: number) => (n === 0 ? undefined : n);
  const exit = has(MASK_EXIT) ? decodeWaitStatus(buf.readInt32LE(60)) : undefined;
  return {
    pid: has(MASK_PID) ? nonzero(buf.readUInt32LE(16)) : undefined,
    tgid: has(MASK_PID) ? nonzero(buf.readUInt32LE(20)) : undefined,
    ppid: has(MASK_PID) ? nonzero(buf.readUInt32LE(24)) : undefined,
    cgroupId: has(MASK_CGROUPID) ? buf.readBigUInt64LE(8) : undefined,
    creds: has(MASK_CREDS)
      ? {
          ruid: buf.readUInt32LE(28), euid: buf.readUInt32LE(32), suid: buf.readUInt32LE(36), fsuid: buf.readUInt32LE(40),
          rgid: buf.readUInt32LE(44), egid: buf.readUInt32LE(48), sgid: buf.readUInt32LE(52), fsgid: buf.readUInt32LE(56),
        }
      : undefined,
    exitCode: exit?.exitCode,
    signal: exit?.signal,
  };
}
