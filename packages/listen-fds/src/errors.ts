const BRAND = Symbol.for('pg.listen-fds.error');

/**
 * Every failure of `@pg/listen-fds` that is not a bad option (those are `TypeError`s).
 * `code` is a string:
 * - the errno name libsystemd's `sd_listen_fds_with_names()` returns for the same input
 *   (`'EINVAL'`, `'ERANGE'`, `'EBADF'`), with `variable` naming the environment variable at fault;
 * - an errno name from a socket call on the sending side (`'EADDRINUSE'`, `'EACCES'`, …);
 * - `'EWRONGSOCKET'` when an adopt helper is given a descriptor of the wrong kind;
 * - `'ENONAME'` when a name lookup finds no passed descriptor;
 * - `'EFFI'` when koffi or libc cannot be loaded, `'EUNSUPPORTED'` off Linux;
 * - `'ESPAWN'` when the activated child could not be started.
 */
export class ListenFdsError extends Error {
  readonly code: string;
  /** The environment variable whose value was rejected, when one was. */
  readonly variable: string | undefined;
  readonly [BRAND] = true;

  constructor(message: string, code: string, options?: { variable?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ListenFdsError';
    this.code = code;
    this.variable = options?.variable;
  }

  /** True for a ListenFdsError from any copy of this package (a brand, not `instanceof`). */
  static isInstance(value: unknown): value is ListenFdsError {
    return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
  }
}
