import { ProcessGroupError, type ErrorOptions } from './process-group-error.js';

/** The leader could not be started (missing command, not executable, out of fds). Nothing was left behind. */
export class SpawnError extends ProcessGroupError {
  static readonly code = 'ERR_PG_SPAWN';
  constructor(message: string, options?: ErrorOptions) {
    super(SpawnError.code, message, options);
  }
}
