import { ProcessGroupError, type ErrorOptions } from './process-group-error.js';

/** The kernel refused an operation on the group (EPERM, EACCES). */
export class PermissionError extends ProcessGroupError {
  static readonly code = 'ERR_PG_PERMISSION';
  constructor(message: string, options?: ErrorOptions) {
    super(PermissionError.code, message, options);
  }
}
