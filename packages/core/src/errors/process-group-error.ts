const brand = Symbol.for('@pg/core.error');

/** Options every pg error accepts. */
export interface ErrorOptions {
  /** The underlying error (a system error, a probe failure). */
  readonly cause?: unknown;
  /** The system error code behind it, e.g. `'ENOENT'`, when there is one. */
  readonly errno?: string | undefined;
}

/**
 * The base of every error pg raises at run time. `code` is stable and names the kind
 * (`ERR_PG_*`); `errno` carries the system code (`'EACCES'`) when one caused it.
 * Use `ProcessGroupError.isInstance(e)` across package copies, where `instanceof` can fail.
 */
export class ProcessGroupError extends Error {
  readonly [brand] = true;
  readonly code: string;
  readonly errno: string | undefined;

  constructor(code: string, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.errno = options.errno ?? systemCode(options.cause);
  }

  /**
   * Whether `value` is a pg error of this class: `ProcessGroupError.isInstance` matches every pg
   * error, `GroupGoneError.isInstance` only those with its code. Works across package copies.
   */
  static isInstance<T extends abstract new (...args: never[]) => unknown>(this: T, value: unknown): value is InstanceType<T> {
    if (typeof value !== 'object' || value === null || (value as Record<symbol, unknown>)[brand] !== true) return false;
    const code = (this as unknown as { code?: unknown }).code;
    return typeof code !== 'string' || (value as { code?: unknown }).code === code;
  }
}

/** The `code` of a Node system error (`'ENOENT'`), if `error` is one. */
export function systemCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}
