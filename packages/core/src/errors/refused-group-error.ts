import { ProcessGroupError, type ErrorOptions } from './process-group-error.js';

/**
 * pg will not act on this group: it holds PID 1 or the calling process (a posix id is any
 * session id, a cgroup path any cgroup), or it is a cgroup pg did not create and `force` was not
 * given. Nothing was signalled.
 */
export class RefusedGroupError extends ProcessGroupError {
  static readonly code = 'ERR_PG_REFUSED';
  readonly groupId: string;
  constructor(groupId: string, message: string, options?: ErrorOptions) {
    super(RefusedGroupError.code, message, options);
    this.groupId = groupId;
  }
}
