/**
 * Win32 error numbers → the code strings pg uses everywhere (`'EACCES'`, not 5), so no Windows
 * number reaches a public type. Numbers from the Win32 "System Error Codes" list
 * (docs/windows.md, "Errors"); one not listed becomes `'WIN32_<n>'`.
 */
const CODES: ReadonlyMap<number, string> = new Map([
  [2, 'ENOENT'], // ERROR_FILE_NOT_FOUND
  [3, 'ENOENT'], // ERROR_PATH_NOT_FOUND
  [5, 'EACCES'], // ERROR_ACCESS_DENIED
  [6, 'EBADF'], // ERROR_INVALID_HANDLE
  [8, 'ENOMEM'], // ERROR_NOT_ENOUGH_MEMORY
  [87, 'EINVAL'], // ERROR_INVALID_PARAMETER
  [123, 'EINVAL'], // ERROR_INVALID_NAME
  [193, 'ENOEXEC'], // ERROR_BAD_EXE_FORMAT
  [206, 'ENAMETOOLONG'], // ERROR_FILENAME_EXCED_RANGE
  [231, 'EBUSY'], // ERROR_PIPE_BUSY
  [234, 'EMOREDATA'], // ERROR_MORE_DATA
  [258, 'ETIMEDOUT'], // WAIT_TIMEOUT
  [267, 'ENOTDIR'], // ERROR_DIRECTORY
  [1455, 'ENOMEM'], // ERROR_COMMITMENT_LIMIT
]);

/** The code string for a Win32 error number. */
export function win32Code(error: number): string {
  return CODES.get(error) ?? `WIN32_${error}`;
}

const BRAND = Symbol.for('pg.winjob.error');

/**
 * Every failure of `@pg/winjob`. `code` is an errno-style name (`'EACCES'`, `'ENOENT'`), a
 * `'WIN32_<n>'` for a Win32 error with no such name, or one of the package's own codes:
 * `'EFFI'` (koffi or kernel32 could not be loaded), `'EUNSUPPORTED'` (not Windows, or a call
 * this Windows lacks). `call` names the Win32 function that failed, when one did.
 */
export class WinJobError extends Error {
  readonly code: string;
  readonly call: string | undefined;
  readonly [BRAND] = true;

  constructor(message: string, code: string, call?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WinJobError';
    this.code = code;
    this.call = call;
  }

  /** True for a WinJobError from any copy of this package (a brand, not `instanceof`). */
  static isInstance(value: unknown): value is WinJobError {
    return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
  }
}

/** A WinJobError for a failed Win32 call, from the last error read right after it. */
export function callError(call: string, lastError: number, detail?: string): WinJobError {
  const code = win32Code(lastError);
  const what = detail === undefined ? call : `${call} (${detail})`;
  return new WinJobError(`${what} failed: ${code} (Win32 error ${lastError})`, code, call);
}
