/**
 * `@pg/cli`: the `pg` command (`run`, `ps`, `kill`, `ls`, `doctor`, `init`, `activate`, `fds`).
 * The binary is `dist/main.js`; `main(argv)` runs the same code in-process and resolves to the
 * exit code (0 ok, 1 failure, 2 usage; `run` and `init` pass the leader's status through).
 */
export { main, commands } from './cli.js';
export { ExitCode } from './exit-codes.js';
export type { Io } from './output.js';
export type { Command } from './command.js';
