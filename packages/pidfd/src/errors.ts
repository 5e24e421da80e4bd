import { constants } from 'node:os';

/** errno number → name (`2` → `'ENOENT'`), built once from Node's own table for this platform. */
let errnoNames: Map<number, string> | undefined;

/**
 * The errno name for a number, from `os.constants.errno` (so the numbers of this platform are
 * used, never a hard-coded table). Unknown numbers become `'E<n>'`, which is still a string.
 */
export function errnoCode(errno: number): string {
  if (errnoNames === undefined) {
    errnoNames = new Map();
    for (const [name, value] of Object.entries(constants.errno)) {
      // Several names can share a number (EAGAIN/EWOULDBLOCK): keep the first, which is the
      // canonical one in Node's table.
      if (!errnoNames.has(value)) errnoNames.set(value, name);
    }
  }
  return errnoNames.get(errno) ?? `E${errno}`;
}

const BRAND = Symbol.for('pg.pidfd.error');

/**
 * Every failure of `@pg/pidfd`. `code` is an errno name (`'ESRCH'`, `'EPERM'`, `'EBADF'`,
 * `'ENOSYS'` when the kernel lacks the call) or one of the package's own codes:
 * `'EFFI'` (koffi or libc could not be loaded: the package works nowhere in this process),
 * `'EUNSUPPORTED'` (the kernel offers no way to answer, e.g. no pidfd id before pidfs).
 * `syscall` names the call that failed, when one did.
 */
export class PidfdError extends Error {
  readonly code: string;
  readonly syscall: string | undefined;
  readonly [BRAND] = true;

  constructor(message: string, code: string, syscall?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PidfdError';
    this.code = code;
    this.syscall = syscall;
  }

  /** True for a PidfdError from any copy of this package (a brand, not `instanceof`). */
  static isInstance(value: unknown): value is PidfdError {
    return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
  }
}

/** A PidfdError for a failed system call, from the errno read right after it. */
export function syscallError(syscall: string, errno: number, detail?: string): PidfdError {
  const code = errnoCode(errno);
  const what = detail === undefined ? syscall : `${syscall} (${detail})`;
  return new PidfdError(`${what} failed: ${code}`, code, syscall);
}
