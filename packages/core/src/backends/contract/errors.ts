import { ContractError } from '@pg/contract';
import { GroupGoneError, PermissionError, ProcessGroupError } from '../../errors/index.js';

/** The code of a `@pg/contract` error, or undefined for anything else. */
export function contractCode(error: unknown): string | undefined {
  return ContractError.isInstance(error) ? error.code : undefined;
}

/**
 * A `@pg/contract` failure as a pg error: ENOENT (the contract is gone) → GroupGoneError,
 * EPERM/EACCES → PermissionError, anything else → ProcessGroupError `ERR_PG_CONTRACT` with the
 * code kept in `errno`. Other errors are returned unchanged.
 */
export function wrapContractError(error: unknown, ctid: number | string): unknown {
  const code = contractCode(error);
  if (code === undefined) return error;
  const message = (error as Error).message;
  if (code === 'ENOENT') return new GroupGoneError(String(ctid), `contract ${ctid} does not exist (${message})`, { cause: error, errno: code });
  if (code === 'EPERM' || code === 'EACCES') return new PermissionError(`contract ${ctid}: ${message}`, { cause: error, errno: code });
  return new ProcessGroupError('ERR_PG_CONTRACT', `contract ${ctid}: ${message}`, { cause: error, errno: code });
}
