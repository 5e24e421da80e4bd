import { closeSync } from 'node:fs';
import { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { expandStdio, helperArgs, HELPER_ARGV0_MARK, type StartHelperOptions } from '../argv.js';
import { helperPathOr } from '../find.js';
import { watchStatus, type HelperExit } from '../status.js';
import { C, cloexecSocketPair } from './ffi.js';
import { spawnLeader, type SpawnedLeader } from './spawn-leader.js';

/** A per-group pg-helper the spawner started (it is the spawner's child, not this process's). */
export interface SpawnedHelper {
  /** The helper's pid; with its start time, the group's identity. */
  readonly pid: number;
  readonly startTime: string;
  readonly leaderPid: number;
  readonly leaderPidfdId: bigint | undefined;
  /** This process's end of each 'pipe' entry of the leader, null elsewhere. */
  readonly stdio: readonly (Readable | Writable | null)[];
  /** How the leader ended (the helper's `exit` line), or the helper's own end if it sent none. */
  readonly leaderExit: Promise<HelperExit>;
  /**
   * The helper has ended: its control socket closed (it holds the only far end, so this comes
   * even if the spawner died meanwhile). With a subreaper, the group is then empty.
   */
  readonly ended: Promise<void>;
  readonly diagnostics: readonly string[];
  unref(): void;
  /** Close this end of the control socket: the helper takes it as the owner's death. */
  closeControl(): void;
  /** The owner is done with the group: the spawner forgets it. */
  release(): void;
}

/**
 * Starts `options.file` under a per-group pg-helper (a subreaper, for the reaper backend) that
 * this process's spawner starts: no fork of Node. The control socket is a close-on-exec stream
 * socketpair made here; the helper gets its far end at fd N = max(3, stdio entries), so its
 * lifeline is this process, exactly as with `startHelper`, whether or not the spawner lives.
 * @throws TypeError for invalid options; HelperError as `startHelper` (and `'ESPAWNER'`).
 */
export async function startHelperInSpawner(options: StartHelperOptions): Promise<SpawnedHelper> {
  const entries = expandStdio(options.stdio);
  const controlFd = entries.length;
  const args = helperArgs(options, controlFd);
  const path = helperPathOr(options.helperPath);
  const [near, far] = cloexecSocketPair(C.SOCK_STREAM);
  const control = new Socket({ fd: near, readable: true, writable: true });
  let helper: SpawnedLeader;
  try {
    helper = await spawnLeader({
      file: path,
      argv0: HELPER_ARGV0_MARK,
      args,
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      env: options.env ?? process.env,
      stdio: entries,
      keep: options.keep,
      extraFds: [{ fd: far, target: controlFd }],
      helperPath: path,
    });
  } catch (error) {
    control.destroy();
    throw error;
  } finally {
    // Sent (or failed): only the helper may hold the far end, or its exit would bring no EOF.
    closeSync(far);
  }
  const exited = helper.exited.then((exit) => ({ code: exit.code, signal: exit.signal }));
  const ended = new Promise<void>((resolve) => control.once('close', () => resolve()));
  const status = watchStatus(control, exited, options);
  let started: { pid: number; pidfdId: bigint };
  try {
    started = await status.started;
  } catch (error) {
    helper.release(); // it has ended: nothing of the group is left for the spawner to hold
    throw error;
  }
  return {
    pid: helper.pid,
    startTime: helper.startTime,
    leaderPid: started.pid,
    leaderPidfdId: started.pidfdId === 0n ? undefined : started.pidfdId,
    stdio: helper.stdio,
    leaderExit: status.leaderExit,
    ended,
    diagnostics: status.diagnostics,
    unref() {
      helper.unref();
      control.unref();
    },
    closeControl: () => control.destroy(),
    release: () => helper.release(),
  };
}
