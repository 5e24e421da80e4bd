import { spawn, type ChildProcess } from 'node:child_process';
import { preExecArgs, waitForEvents, type Cgroup } from '@pg/cgroup';
import { PidfdError, pidfdOpen, type Pidfd } from '@pg/pidfd';
import type { SpawnRequest } from '../../backend.js';
import { SpawnError } from '../../errors/index.js';
import { spawnChild } from '../spawn-child.js';

/**
 * Start the leader inside `group` with the pre-exec step of `@pg/cgroup` (`preExecArgs`: a
 * constant `/bin/sh -c 'echo 0 > "$0/cgroup.procs" && exec "$@"'`). Chosen over the supervisor
 * moving itself around the spawn, which is ~0.5 ms faster per spawn but misplaces children
 * that any other thread of this process (worker threads, addons) forks during the window, and
 * would let a concurrent `cgroup.kill` of the group kill the supervisor; the pre-exec step moves
 * only the child, before exec, and is race-free for every spawn path. The measurements and the
 * full argument are in @pg/cgroup's placement.ts.
 *
 * The caller's `stdio` array is passed through unchanged (fds 3.. reach the program as given),
 * and the program keeps the spawned pid: the shell execs it, no extra fork.
 *
 * libuv reports `spawn` once the *shell* has exec'd; the shell moves itself a moment later. So
 * this waits until the kernel shows the group populated (only the child can be in a fresh group)
 * or the child has exited, before anyone may read the group as empty. A child that exited
 * without ever being placed (the shell could not write cgroup.procs) is a SpawnError.
 */
export async function spawnPlaced(group: Cgroup, request: SpawnRequest): Promise<{ child: ChildProcess; leader: Pidfd }> {
  const { file, args } = preExecArgs(group, request.file, request.args);
  // detached: the leader gets its own session, as on the posix backend, so every backend has the
  // same semantics: a terminal's signals (Ctrl-C) reach this process only, never the members
  // directly, and whoever runs the group decides what reaches them (`pg run` forwards them to the
  // whole group once; without that, a member would see a terminal's SIGINT twice).
  const child = await spawnChild(() => spawn(file, args, { cwd: request.cwd, env: request.env, stdio: request.stdio, detached: true }));
  // Race-free: our own child, and libuv reaps only later, from the event loop (no loop turn
  // has happened since spawn() returned: only ticks and microtasks).
  const leader = pidfdOpen(child.pid as number);
  try {
    await placedOrExited(group, child);
    if (child.exitCode !== null || child.signalCode !== null) assertWasPlaced(group, leader);
  } catch (error) {
    leader.close();
    throw error;
  }
  return { child, leader };
}

async function placedOrExited(group: Cgroup, child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const stop = new AbortController();
  const placed = waitForEvents(group.dir, (e) => e.populated, { signal: stop.signal });
  placed.catch(() => undefined); // rejects with the abort below once the race is decided
  placed.kick();
  let onExit: (() => void) | undefined;
  const exited = new Promise<void>((resolve) => {
    onExit = resolve;
    child.once('exit', onExit);
  });
  try {
    await Promise.race([placed, exited]);
  } finally {
    stop.abort();
    if (onExit !== undefined) child.off('exit', onExit);
  }
}

/** After the leader exited: PIDFD_GET_INFO still tells the cgroup it died in (Linux 6.13+). */
function assertWasPlaced(group: Cgroup, leader: Pidfd): void {
  let cgroupId: bigint | undefined;
  try {
    cgroupId = leader.info().cgroupId;
  } catch (error) {
    // No PIDFD_GET_INFO on this kernel (< 6.13): cannot tell; the exit status stays the answer.
    if (PidfdError.isInstance(error)) return;
    throw error;
  }
  if (cgroupId !== undefined && cgroupId !== group.id()) {
    throw new SpawnError(`the leader exited before it could join its cgroup ${group.dir} (the pre-exec step failed; see its stderr)`);
  }
}
