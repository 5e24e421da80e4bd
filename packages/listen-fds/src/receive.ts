// The receiving side of socket activation: sd_listen_fds_with_names() as systemd v259 does it
// (docs/socket-activation.md#receiving-side), checking LISTEN_PID, then LISTEN_PIDFDID, then LISTEN_FDS.
import { ownPidfdId, PidfdError, setCloexec } from '@pg/pidfd';
import { ListenFdsError } from './errors.js';
import { LISTEN_FDS_START, parseFdCount, parsePid, parsePidfdId, splitNames, type Parsed } from './parse.js';

/** One descriptor passed by the activator. */
export interface ListenFd {
  /** The descriptor number: 3, 4, … in the order the activator passed them. */
  readonly fd: number;
  /** Its name from `LISTEN_FDNAMES` (`'unknown'` when the activator gave none; may be empty). */
  readonly name: string;
}

export interface ListenFdsOptions {
  /**
   * Remove `LISTEN_PID`, `LISTEN_PIDFDID`, `LISTEN_FDS` and `LISTEN_FDNAMES` from the environment
   * on every path, success or error, so that no process started later sees them. Default true.
   */
  unsetEnvironment?: boolean;
}

/** The four variables of the protocol, in the order systemd unsets them. */
export const LISTEN_VARIABLES = ['LISTEN_PID', 'LISTEN_PIDFDID', 'LISTEN_FDS', 'LISTEN_FDNAMES'] as const;

/**
 * The descriptors a socket activator passed to this process, with their names, in order.
 *
 * Semantics are libsystemd's `sd_listen_fds_with_names()` (systemd v259), checked against
 * libsystemd 252 for everything 252 has:
 * - Not for this process is an empty array, not an error: `LISTEN_PID` unset or another pid,
 *   `LISTEN_PIDFDID` set and not this process's pidfd id, or `LISTEN_FDS` unset. The pidfd-id check
 *   is skipped when the own id cannot be obtained (Linux before 6.9 has no pidfs), as systemd does.
 * - Malformed values throw {@link ListenFdsError} with libsystemd's code: `'EINVAL'` (garbage, a
 *   count of 0 or above INT_MAX - 3, a names/count mismatch, a trailing backslash in the names),
 *   `'ERANGE'` (a pid of 0, negative or beyond pid_t), `'EBADF'` (a promised fd is not open).
 * - Every passed fd is marked close-on-exec (the first failure is thrown), so a program this
 *   process execs later does not inherit them; with `unsetEnvironment` (default) the variables
 *   are removed on every path, so it does not see them either.
 *
 * Numbers are parsed as libsystemd does: leading space/tab/newline/return, `+`, `0x`, `0o`, `0b`
 * and C leading-zero octal are accepted; trailing whitespace and empty strings are not.
 * Linux only (it needs `fcntl` through `@pg/pidfd`).
 */
export function listenFds(options: ListenFdsOptions = {}): ListenFd[] {
  const unset = options.unsetEnvironment ?? true;
  if (typeof unset !== 'boolean') {
    throw new TypeError(`listenFds: option unsetEnvironment must be a boolean, got ${typeof unset} ${String(unset)}`);
  }
  // libsystemd splits the names before it looks at LISTEN_PID: a malformed name list is an error
  // even when the fds are not for this process.
  const rawNames = process.env.LISTEN_FDNAMES;
  let names: string[] | undefined;
  if (rawNames !== undefined) {
    const parsed = splitNames(rawNames);
    if (!parsed.ok) {
      unsetListenEnvironment(unset);
      throw malformed('LISTEN_FDNAMES', rawNames, parsed.error);
    }
    names = parsed.value;
  }
  const n = listenFdCount(unset);
  if (n === 0) return [];
  if (names !== undefined && names.length !== n) {
    throw new ListenFdsError(
      `LISTEN_FDNAMES has ${names.length} name(s) but LISTEN_FDS is ${n}`,
      'EINVAL',
      { variable: 'LISTEN_FDNAMES' },
    );
  }
  const result: ListenFd[] = [];
  for (let i = 0; i < n; i++) result.push({ fd: LISTEN_FDS_START + i, name: names?.[i] ?? 'unknown' });
  return result;
}

/** `sd_listen_fds()`: the count for this process (0 when not for it); unsets on every path. */
function listenFdCount(unset: boolean): number {
  try {
    const rawPid = process.env.LISTEN_PID;
    if (rawPid === undefined) return 0;
    const pid = value('LISTEN_PID', rawPid, parsePid(rawPid));
    if (pid !== process.pid) return 0;

    const rawId = process.env.LISTEN_PIDFDID;
    if (rawId !== undefined) {
      const id = value('LISTEN_PIDFDID', rawId, parsePidfdId(rawId));
      const own = ownIdOrUndefined();
      // The pid matches but the process is another one that reused it, or a wrapper re-exec'd
      // under the same pid was not the intended target: not for us.
      if (own !== undefined && own !== id) return 0;
    }

    const rawCount = process.env.LISTEN_FDS;
    if (rawCount === undefined) return 0;
    const n = value('LISTEN_FDS', rawCount, parseFdCount(rawCount));
    for (let fd = LISTEN_FDS_START; fd < LISTEN_FDS_START + n; fd++) {
      try {
        setCloexec(fd, true);
      } catch (cause) {
        if (!PidfdError.isInstance(cause)) throw cause;
        throw new ListenFdsError(`LISTEN_FDS promises fd ${fd}, but fcntl on it failed: ${cause.code}`, cause.code, {
          variable: 'LISTEN_FDS',
          cause,
        });
      }
    }
    return n;
  } finally {
    unsetListenEnvironment(unset);
  }
}

/** This process's pidfd id, or undefined when the kernel cannot give one (then systemd skips the check). */
function ownIdOrUndefined(): bigint | undefined {
  try {
    return ownPidfdId();
  } catch (error) {
    if (PidfdError.isInstance(error)) return undefined;
    throw error;
  }
}

function value<T>(variable: string, raw: string, parsed: Parsed<T>): T {
  if (parsed.ok) return parsed.value;
  throw malformed(variable, raw, parsed.error);
}

function malformed(variable: string, raw: string, code: string): ListenFdsError {
  return new ListenFdsError(`${variable}=${JSON.stringify(raw)} is malformed (${code})`, code, { variable });
}

/**
 * Remove the four LISTEN_* variables. `delete process.env.X` calls libc unsetenv() on Linux, so
 * native code and children spawned with the default environment stop seeing them too.
 */
function unsetListenEnvironment(unset: boolean): void {
  if (!unset) return;
  for (const name of LISTEN_VARIABLES) delete process.env[name];
}
