import { ProcessGroupError, type ErrorOptions } from './process-group-error.js';

/** The group no longer exists (removed from outside, or never existed): nothing to act on. */
export class GroupGoneError extends ProcessGroupError {
  static readonly code = 'ERR_PG_GROUP_GONE';
  readonly groupId: string;
  constructor(groupId: string, message = `group ${groupId} does not exist (it was removed, or never existed)`, options?: ErrorOptions) {
    super(GroupGoneError.code, message, options);
    this.groupId = groupId;
  }
}
