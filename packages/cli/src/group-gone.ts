import { GroupGoneError } from '@pg/core';

/** Whether `error` says the group no longer exists (`ERR_PG_GROUP_GONE`). */
export function isGroupGone(error: unknown): boolean {
  return GroupGoneError.isInstance(error);
}
