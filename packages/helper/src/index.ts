/**
 * `@pg/helper`: pg-helper, a small C process between Node and one command. It reaps the command's
 * whole tree (as a child subreaper), forwards signals, reports exec and exit on a control socket,
 * kills the group on request and when this process dies, even by SIGKILL. Linux only; the binary
 * comes prebuilt in a platform package (`@pg/helper-linux-x64`, `@pg/helper-linux-arm64`), or
 * from source with `npx pg-helper-build` (see `findHelper`).
 */
export { HelperError } from './errors.js';
export { findHelper, type FindHelperResult } from './find.js';
export { startHelper, type HelperProcess, type HelperExit } from './start.js';
export { HELPER_ARGV0_MARK, type StartHelperOptions } from './argv.js';
export { parseHelperCmdline, type HelperCmdline } from './cmdline.js';
export { spawnLeader, spawnerFor, closeSpawner, type SpawnLeaderOptions, type SpawnedLeader, type LeaderExitStatus } from './spawner/spawn-leader.js';
export { startHelperInSpawner, type SpawnedHelper } from './spawner/group-helper.js';
export { findUserManager, startDelegatedSpawner, SPAWNER_SLICE, type UserManagerResult, type DelegatedSpawner, type DelegatedSpawnerOptions } from './spawner/user-manager.js';
export type { SpawnerConnection } from './spawner/connection.js';
