import { CgroupError } from './errors.js';
import type { Cgroup } from './group.js';

/**
 * The shell that runs the pre-exec step. Absolute: never looked up in a caller's PATH.
 */
export const PRE_EXEC_SHELL = '/bin/sh';

/**
 * The pre-exec step, a constant script (no data is ever put into it): `$0` is the cgroup
 * directory, `"$@"` the command. Writing `0` to `cgroup.procs` moves the writing process (the
 * child, still the shell) into the cgroup; `exec` then replaces the shell with the command, so:
 * - the command is a member before its first instruction, and so is every process it forks;
 * - the command keeps the pid that spawn() returned (exec, no extra fork): `echo` is a shell
 *   builtin, and a builtin's redirection does not fork;
 * - the fds the caller passed (stdio entries 0.., socket-activation fds at 3..) pass through
 *   untouched: the shell saves fd 1 for the redirection at an fd >= 10 that is free, and restores it.
 * If the write fails (EACCES…) the shell prints why and exits 2 without running the command.
 */
export const PRE_EXEC_SCRIPT = 'echo 0 > "$0/cgroup.procs" && exec "$@"';

/**
 * The argv that places `file args…` into `group` before it runs: spawn `PRE_EXEC_SHELL` with
 * these arguments and the caller's options (stdio, env, cwd) unchanged.
 *
 * Why this and not the alternatives. Spawn → exit of /bin/true, medians of 300, measured on this
 * machine (6.18, 2 vCPUs, Node 20.20) with this package; docs/linux.md#placing-a-child-in-its-cgroup has the same order:
 * - plain spawn, then moving `child.pid`: 1.26–1.31 ms but racy: libuv returns from spawn only
 *   after the child exec'd, so the child may already have forked outside the group.
 * - the supervisor moves itself into the group, spawns, moves back (`withSelfIn`): 1.45 ms, 50/50
 *   placed, but race-free only if no other thread of this process forks in that window. A cgroup
 *   move takes every thread, so a `child_process.spawn` in a worker thread (or a native addon's
 *   thread) lands in the wrong group; and while the supervisor is inside, a `cgroup.kill` of the
 *   group from another process kills the supervisor too. pg cannot see or block other threads.
 * - this pre-exec step: 1.92–1.98 ms, 50/50 placed, race-free for every spawn path (main thread,
 *   workers, async or sync spawn, any stdio), because only the child itself moves, before exec.
 * - `clone3(CLONE_INTO_CGROUP)` (5.7) would be both, but needs a fork path Node does not expose.
 * So the pre-exec step is the default: ~0.5 ms per spawn is the price of never misplacing a process.
 */
export function preExecArgs(group: Cgroup, file: string, args: readonly string[]): { file: string; args: string[] } {
  return { file: PRE_EXEC_SHELL, args: ['-c', PRE_EXEC_SCRIPT, group.dir, file, ...args] };
}

/**
 * Run `spawnSync`-like `fn` with this whole process moved into `group`, and move it back to
 * `home` afterwards, on every path. Every child forked by `fn` starts inside `group`.
 *
 * Only race-free when no other thread of this process can fork while `fn` runs (see
 * `preExecArgs`): meant for single-threaded tools and benchmarks, not for libraries.
 * @throws CgroupError when either move fails; `fn`'s own error otherwise.
 */
export function withSelfIn<T>(group: Cgroup, home: Cgroup, fn: () => T): T {
  group.adopt(0);
  try {
    return fn();
  } finally {
    try {
      home.adopt(0);
    } catch (error) {
      throw new CgroupError(`could not move this process back to ${home.dir}: it is still in ${group.dir}`, CgroupError.isInstance(error) ? error.code : 'EIO', home.dir, { cause: error });
    }
  }
}
