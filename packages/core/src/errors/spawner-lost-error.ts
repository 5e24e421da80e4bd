import { ProcessGroupError, type ErrorOptions } from './process-group-error.js';

/**
 * The pg-helper spawner that started a group's leader and held its lifeline ended (it was killed)
 * while the group lived. The group no longer dies with its owner; pg kills the groups it can
 * reach that were spawned with `onOwnerExit: 'kill'`, and the next `spawnGroup` starts a new
 * spawner. The message names the spawner's pid and how it ended.
 */
export class SpawnerLostError extends ProcessGroupError {
  static readonly code = 'ERR_PG_SPAWNER_LOST';
  constructor(message: string, options?: ErrorOptions) {
    super(SpawnerLostError.code, message, options);
  }
}
