import { readFileSync } from 'node:fs';
import { ContractError, systemCode } from './errors.js';

/** The fields of `/proc/<pid>/psinfo` (`psinfo_t`, `sys/procfs.h`) that contracts need. */
export interface Psinfo {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  readonly sid: number;
  readonly uid: number;
  readonly euid: number;
  /** `pr_start`: when the process was created (in `getproc`, early in fork), ns since the epoch. */
  readonly startNs: bigint;
  readonly zoneid: number;
  /** `pr_contract`: the process contract it is a member of; -1 for a zombie (it left at exit). */
  readonly contract: number;
  /** `pr_fname`: the last component of the exec'd path, at most 15 bytes. */
  readonly fname: string;
  /** `pr_psargs`: the first 80 bytes of the argument list. */
  readonly psargs: string;
}

/**
 * Offsets in the LP64 `psinfo_t` a 64-bit process reads (a 32-bit one gets `psinfo32_t`):
 * ints pr_flag, pr_nlwp, pr_pid (8), pr_ppid (12), pr_pgid (16), pr_sid (20), pr_uid (24),
 * pr_euid (28), pr_gid, pr_egid; pointer-sized pr_addr, pr_size, pr_rssize, pr_pad1; dev_t
 * pr_ttydev; two ushorts; then pr_start (88: tv_sec, tv_nsec, 8 bytes each), pr_time, pr_ctime,
 * pr_fname (136, 16 bytes), pr_psargs (152, 80 bytes), … pr_zoneid (276), pr_contract (280),
 * pr_filler, and the representative LWP from 288.
 */
const OFF = Object.freeze({ pid: 8, ppid: 12, pgid: 16, sid: 20, uid: 24, euid: 28, startSec: 88, startNsec: 96, fname: 136, psargs: 152, zoneid: 276, contract: 280 });
/** Everything up to `pr_lwp`; the file is longer (416 bytes). */
export const PSINFO_MIN_SIZE = 288;

function cString(buf: Buffer, offset: number, size: number): string {
  const end = buf.indexOf(0, offset);
  return buf.toString('latin1', offset, end < 0 || end > offset + size ? offset + size : end);
}

/** Parses a `psinfo_t` as a 64-bit x86 process reads it (little-endian). Throws `'EINVAL'` when too short. */
export function parsePsinfo(buf: Buffer): Psinfo {
  if (buf.length < PSINFO_MIN_SIZE) throw new ContractError(`psinfo is ${buf.length} bytes, expected at least ${PSINFO_MIN_SIZE}`, 'EINVAL', 'psinfo');
  return {
    pid: buf.readInt32LE(OFF.pid),
    ppid: buf.readInt32LE(OFF.ppid),
    pgid: buf.readInt32LE(OFF.pgid),
    sid: buf.readInt32LE(OFF.sid),
    uid: buf.readUInt32LE(OFF.uid),
    euid: buf.readUInt32LE(OFF.euid),
    startNs: buf.readBigInt64LE(OFF.startSec) * 1_000_000_000n + buf.readBigInt64LE(OFF.startNsec),
    zoneid: buf.readInt32LE(OFF.zoneid),
    contract: buf.readInt32LE(OFF.contract),
    fname: cString(buf, OFF.fname, 16),
    psargs: cString(buf, OFF.psargs, 80),
  };
}

/**
 * `/proc/<pid>/psinfo`, or undefined when procfs does not show the process: it exited, or it is
 * still being forked. procfs hides a process in state SIDL (`pr_lookup_procdir`), while the
 * contract already lists it (`contract_process_fork` runs inside `cfork`) and `sigsend` skips it
 * (`dotoprocs`): a readable psinfo proves the process finished forking. illumos only; other
 * errors are a ContractError with the errno's name.
 */
export function readPsinfo(pid: number): Psinfo | undefined {
  if (!Number.isSafeInteger(pid) || pid <= 0) throw new TypeError(`Invalid option \`pid\`: got ${String(pid)}, expected a positive integer.`);
  let buf: Buffer;
  try {
    buf = readFileSync(`/proc/${pid}/psinfo`);
  } catch (cause) {
    const code = systemCode(cause) ?? 'EIO';
    if (code === 'ENOENT' || code === 'ESRCH') return undefined;
    throw new ContractError(`/proc/${pid}/psinfo: ${code}`, code, 'read', { cause });
  }
  return parsePsinfo(buf);
}

/**
 * What the contract backend asks about member processes besides the contract itself: their
 * psinfo, whether this process may signal them, and the clock `pr_start` is read on. The real
 * one is `processFacts`; the fake kernel of `@pg/contract/testing` is another.
 */
export interface ProcessFacts {
  /** psinfo of `pid`; undefined when procfs does not show it (exited, or SIDL: mid-fork). */
  psinfo(pid: number): Psinfo | undefined;
  /** Whether a signal from this process may reach `pid` (`kill(pid, 0)`); true when it is gone. */
  maySignal(pid: number): boolean;
  /** Now, on `pr_start`'s clock (the realtime clock, ns), never earlier than the true time. */
  nowNs(): bigint;
}

/** The real `ProcessFacts`: procfs, `kill(pid, 0)`, and `Date.now()` rounded up to the next ms. */
export const processFacts: ProcessFacts = Object.freeze({
  psinfo: readPsinfo,
  maySignal(pid: number): boolean {
    try {
      process.kill(pid, 0);
      return true;
    } catch (error) {
      return systemCode(error) !== 'EPERM';
    }
  },
  // Date.now() truncates to the ms; one more ms makes it an upper bound of the current time.
  nowNs: () => BigInt(Date.now() + 1) * 1_000_000n,
});
