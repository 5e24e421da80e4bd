import { ILLUMOS_ERRNO } from './constants.js';

const BRAND = Symbol.for('pg.contract.error');

/**
 * Every failure of `@pg/contract`. `code` is an errno name (`'ESRCH'`, `'EPERM'`, `'EACCES'`, `'EINVAL'`,
 * `'ENOTEMPTY'`) or one of the package's own codes:
 * - `'EUNSUPPORTED'`: not illumos (`process.platform` is not `sunos`), or no ctfs mounted;
 * - `'EFFI'`: koffi or libcontract could not be loaded;
 * - `'ENOCONTRACT'`: neither libcontract nor the `ctrun`/`ctstat` commands can be used;
 * - `'ECOMMAND'`: a command (`ctstat`, `pgrep`, …) failed or printed what cannot be parsed;
 * - `'ENOTHELD'`: `waitForEmpty` on a contract this process no longer holds, members left.
 * `call` names the function or command that failed, when one did.
 */
export class ContractError extends Error {
  readonly code: string;
  readonly call: string | undefined;
  readonly [BRAND] = true;

  constructor(message: string, code: string, call?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ContractError';
    this.code = code;
    this.call = call;
  }

  /** True for a ContractError from any copy of this package (a brand, not `instanceof`). */
  static isInstance(value: unknown): value is ContractError {
    return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
  }
}

/**
 * The name of an illumos errno number (`93` → `'ENOTEMPTY'`). The table is illumos's, not this
 * machine's: Linux numbers differ (ENOTEMPTY is 39 there). Unknown numbers become `'E<n>'`.
 */
export function errnoCode(errno: number): string {
  return ILLUMOS_ERRNO[errno] ?? `E${errno}`;
}

/** A ContractError for a call that failed with an illumos errno number. */
export function callError(call: string, errno: number, detail?: string): ContractError {
  const code = errnoCode(errno);
  const what = detail === undefined ? call : `${call} (${detail})`;
  return new ContractError(`${what} failed: ${code}`, code, call);
}

/**
 * libcontract's int-returning calls return 0 or an errno value, never -1 (`libcontract.c`):
 * throw on anything but 0.
 */
export function check(call: string, result: number, detail?: string): void {
  if (result !== 0) throw callError(call, result, detail);
}

/** The `code` of a Node system error, if `error` is one. */
export function systemCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
