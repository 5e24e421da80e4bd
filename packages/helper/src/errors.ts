const BRAND = Symbol.for('pg.helper.error');

/**
 * Every failure of `@pg/helper`. `code` is one of:
 * - an errno name from the leader's `execv` (`'ENOENT'`, `'EACCES'`, `'ENOEXEC'`…; `syscall` is
 *   `'execv'`): the command could not be executed;
 * - `'ECLONE3'`: `clone3` with `CLONE_INTO_CGROUP` is not supported here (ENOSYS, E2BIG or EINVAL;
 *   `errno` holds which): the owner may fall back to another placement;
 * - another errno name with `syscall` `'clone3'` (e.g. `'EACCES'`, `'EBUSY'`): the kernel refused
 *   to create the leader in that cgroup;
 * - `'ENOHELPER'`: there is no usable pg-helper binary (the message says why and how to build it);
 * - `'EHELPER'`: the helper could not be spawned, or ended before saying anything about the leader
 *   (the message carries its exit status and its `error` lines).
 */
export class HelperError extends Error {
  readonly code: string;
  readonly syscall: string | undefined;
  /** The errno name behind `'ECLONE3'`, else undefined. */
  readonly errno: string | undefined;
  readonly [BRAND] = true;

  constructor(message: string, code: string, options: { syscall?: string; errno?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HelperError';
    this.code = code;
    this.syscall = options.syscall;
    this.errno = options.errno;
  }

  /** True for a HelperError from any copy of this package (a brand, not `instanceof`). */
  static isInstance(value: unknown): value is HelperError {
    return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
  }
}
