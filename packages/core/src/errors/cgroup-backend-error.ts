import { ProcessGroupError, type ErrorOptions } from './process-group-error.js';

/** A cgroup operation failed for a reason that is neither a refusal nor a missing group (EBUSY, EIO, …); `errno` says which. */
export class CgroupBackendError extends ProcessGroupError {
  static readonly code = 'ERR_PG_CGROUP';
  constructor(message: string, options?: ErrorOptions) {
    super(CgroupBackendError.code, message, options);
  }
}
