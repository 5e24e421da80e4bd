/**
 * The exit codes of `pg`. `run` and `init` pass the leader's status through instead: its exit
 * code, or 128+N when signal N killed it (the shell convention); 126/127 when the command could
 * not be started (not executable / not found), as `env`, `timeout` and `nohup` do.
 */
export const ExitCode = Object.freeze({
  /** Success. */
  ok: 0,
  /** The operation failed (a backend error, a permission denied). */
  failure: 1,
  /** Bad usage: unknown option or command, bad signal name or size, unknown group. Nothing was touched. */
  usage: 2,
  /** `run`/`init`: the command exists but cannot be executed. */
  cannotExecute: 126,
  /** `run`/`init`: the command was not found. */
  notFound: 127,
});
