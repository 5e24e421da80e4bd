import { ProcessGroupError, type ErrorOptions } from './process-group-error.js';

/**
 * A signal or a kill could not finish: members kept forking through every signal pass, or
 * members were still alive long after SIGKILL (a process in uninterruptible sleep, a member
 * this user may not signal that keeps the group alive). The same error on every backend.
 */
export class UnstoppableGroupError extends ProcessGroupError {
  static readonly code = 'ERR_PG_UNSTOPPABLE';
  readonly groupId: string;
  constructor(groupId: string, message: string, options?: ErrorOptions) {
    super(UnstoppableGroupError.code, `group ${groupId} ${message}`, options);
    this.groupId = groupId;
  }
}
