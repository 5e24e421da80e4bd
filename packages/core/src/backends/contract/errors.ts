import { ContractError } from '@pg/contract';
import { ContractBackendError, GroupGoneError, PermissionError } from '../../errors/index.js';

/** The code of a `@pg/contract` error, or undefined for anything else. */
export function contractCode(error: unknown): string | undefined {
  return ContractError.isInstance(error) ? error.code : undefined;
}

/**
 * A `@pg/contract` failure as a pg error: ENOENT (no such process contract) → GroupGoneError,
 * EPERM/EACCES → PermissionError, anything else → ContractBackendError with the code kept in
 * `errno`. Other errors are returned unchanged.
 */
export function wrapContractError(error: unknown, ctid: number | string): unknown {
  const code = contractCode(error);
  if (code === undefined) return error;
  const message = (error as Error).message;
  if (code === 'ENOENT') return new GroupGoneError(String(ctid), `contract ${ctid} does not exist (${message})`, { cause: error, errno: code });
  if (code === 'EPERM' || code === 'EACCES') return new PermissionError(`contract ${ctid}: ${message}`, { cause: error, errno: code });
  return new ContractBackendError(`contract ${ctid}: ${message}`, { cause: error, errno: code });
}

/** Runs `operation`, turning a `@pg/contract` failure into a pg error (`wrapContractError`). */
export function contractCall<T>(ctid: number | string, operation: () => T): T {
  try {
    return operation();
  } catch (error) {
    throw wrapContractError(error, ctid);
  }
}
