const brand = Symbol.for('@pg/core.error');

/**
 * A bad option or argument. A `TypeError` (so it reads like Node's own), with `code`
 * `ERR_PG_INVALID_OPTION` and the brand that `ProcessGroupError.isInstance` recognises.
 */
export class InvalidOptionError extends TypeError {
  static readonly code = 'ERR_PG_INVALID_OPTION';
  readonly [brand] = true;
  readonly code = InvalidOptionError.code;
  readonly errno: string | undefined = undefined;
  readonly option: string;

  /** `option` is the name the user wrote; `expected` says what would have been accepted. */
  constructor(option: string, value: unknown, expected: string, options: { message?: string; cause?: unknown } = {}) {
    super(options.message ?? `Invalid option \`${option}\`: got ${describe(value)}, expected ${expected}.`, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'InvalidOptionError';
    this.option = option;
  }

  /**
   * The `TypeError` a leaf package threw for a bad value (they word it the same way) as an
   * `InvalidOptionError`, message kept.
   */
  static fromTypeError(option: string, value: unknown, error: TypeError): InvalidOptionError {
    return new InvalidOptionError(option, value, '', { message: error.message, cause: error });
  }

  /** Whether `value` is an `InvalidOptionError`, also one from another copy of `@pg/core`. */
  static isInstance(value: unknown): value is InvalidOptionError {
    return (
      typeof value === 'object' &&
      value !== null &&
      (value as Record<symbol, unknown>)[brand] === true &&
      (value as { code?: unknown }).code === InvalidOptionError.code
    );
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return `an object (${Object.prototype.toString.call(value)})`;
}
