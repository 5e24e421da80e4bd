import { ProcessGroupError, type ErrorOptions } from './process-group-error.js';

/** A process-contract operation (illumos) failed for a reason that is neither a refusal nor a missing contract; `errno` says which. */
export class ContractBackendError extends ProcessGroupError {
  static readonly code = 'ERR_PG_CONTRACT';
  constructor(message: string, options?: ErrorOptions) {
    super(ContractBackendError.code, message, options);
  }
}
