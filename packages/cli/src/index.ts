/**
 * `@pg/cli`: the `pg` command (`run`, `ps`, `kill`, `ls`, `prune`, `doctor`, `init`, `activate`,
 * `fds`). The binary is `dist/main.js`; `main(argv)` runs the same code in-process and resolves
 * to the exit code (0 ok, 1 failure, 2 usage; `run` and `init` pass the leader's status through).
 * `commands` lists them; each command's module is loaded only when it runs.
 */
export { main } from './cli.js';
export { commands } from './commands/index.js';
export { ExitCode } from './exit-codes.js';
export type { Io } from './output.js';
export type { Command, CommandEntry } from './command.js';
