import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { expandStdio, helperArgs, HELPER_ARGV0_MARK, type StartHelperOptions } from './argv.js';
import { HelperError } from './errors.js';
import { helperPathOr } from './find.js';
import { watchStatus, type HelperExit } from './status.js';

export type { HelperExit } from './status.js';

/** A running pg-helper and the leader it started. */
export interface HelperProcess {
  /** The helper's ChildProcess. `child.stdio[i]` for i below the control fd are the leader's pipes. */
  readonly child: ChildProcess;
  readonly leaderPid: number;
  /** The leader's 64-bit pidfd id (pidfs, Linux 6.9+), undefined where the kernel has none. */
  readonly leaderPidfdId: bigint | undefined;
  /**
   * How the leader ended, from the helper's `exit` line. If the helper ends without sending one
   * (it was killed, or the control was closed first), the helper's own exit status instead.
   */
  readonly leaderExit: Promise<HelperExit>;
  /**
   * The helper's exit: with a subreaper, when no process of the group is left; with a cgroup, when
   * the cgroup is empty; otherwise when the leader was reaped. It ends like the leader did.
   */
  readonly exited: Promise<HelperExit>;
  /** The helper's `error` lines so far (a failed syscall it reported and survived). */
  readonly diagnostics: readonly string[];
  /** Let this process exit while the helper runs (unrefs the child and the control socket). */
  unref(): void;
  /**
   * Close this end of the control socket. The helper takes it as the owner's death: it kills the
   * group unless started with `keep`, and sends no more status either way.
   */
  closeControl(): void;
}

/**
 * Start `options.file` under pg-helper and resolve once the leader has exec'd. The control socket
 * is an anonymous socketpair at fd N = max(3, stdio entries): close-on-exec in the helper (so the
 * leader never sees it) and in this process (so no other child inherits it); if this process
 * dies, even by SIGKILL, the helper sees EOF and kills the group (unless `keep`).
 * @throws TypeError for invalid options (synchronously checked, returned as a rejection).
 * @throws HelperError when the helper or the command cannot start; the helper has been reaped by then.
 */
export async function startHelper(options: StartHelperOptions): Promise<HelperProcess> {
  const entries = expandStdio(options.stdio);
  const controlFd = entries.length;
  const argv = helperArgs(options, controlFd);
  const path = helperPathOr(options.helperPath);
  const child = spawn(path, argv, {
    cwd: options.cwd,
    env: options.env,
    stdio: [...entries, 'pipe'],
    argv0: HELPER_ARGV0_MARK,
  });
  return connect(child, controlFd, options, path);
}

function connect(child: ChildProcess, controlFd: number, options: StartHelperOptions, path: string): Promise<HelperProcess> {
  // `stdio` is missing altogether when the spawn failed before the pipes existed (EMFILE).
  const control = (child.stdio?.[controlFd] ?? null) as Socket | null;
  let spawnError: Error | undefined;
  const exited = new Promise<HelperExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

  return new Promise<HelperProcess>((resolve, reject) => {
    let settled = false;
    const settle = (value: HelperProcess | HelperError) => {
      if (settled) return;
      settled = true;
      if (value instanceof HelperError) reject(value);
      else resolve(value);
    };
    child.on('error', (error) => {
      // A failed spawn: nothing ran, nothing to reap, no 'exit' will come. ('error' also reports
      // a failed child.kill() later: kept as the cause, never thrown.)
      spawnError ??= error;
      if (child.pid === undefined) {
        control?.destroy();
        settle(new HelperError(`cannot spawn pg-helper (${path}): ${error.message}`, 'EHELPER', { cause: error }));
      }
    });
    if (control === null) {
      // No socket means the spawn itself failed (say EMFILE while making the pipes): the 'error'
      // handler above reports it with its system code.
      if (child.pid !== undefined) settle(new HelperError('pg-helper has no control socket', 'EHELPER'));
      return;
    }
    const status = watchStatus(control, exited, options, () => spawnError);
    status.started.then(
      ({ pid, pidfdId }) => settle(handle(child, control, pid, pidfdId, status.leaderExit, exited, status.diagnostics)),
      (error: HelperError) => settle(error),
    );
  });
}

function handle(
  child: ChildProcess,
  control: Socket,
  leaderPid: number,
  pidfdId: bigint,
  leaderExit: Promise<HelperExit>,
  exited: Promise<HelperExit>,
  diagnostics: readonly string[],
): HelperProcess {
  return {
    child,
    leaderPid,
    leaderPidfdId: pidfdId === 0n ? undefined : pidfdId,
    leaderExit,
    exited,
    diagnostics,
    unref() {
      child.unref();
      control.unref();
    },
    closeControl() {
      control.destroy();
    },
  };
}
