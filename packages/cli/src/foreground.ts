import type { LeaderExit, ProcessGroup } from '@pg/core';
import { describeExit, exitCodeOf } from './exit-status.js';
import type { SignalForwarder } from './forward-signals.js';
import { warn, type Io } from './output.js';
import { spawnFailureCode } from './spawn-options.js';

/** How `runInForeground` ends and what it does around the group's life. */
export interface ForegroundOptions {
  /** Started before the spawn (no signal is lost meanwhile), attached to the group, stopped at the end. */
  readonly forwarder: SignalForwarder;
  /** Milliseconds between SIGTERM and SIGKILL when the rest of the group is stopped. */
  readonly stopTimeout: number;
  /** Leave the rest of the group running when the leader exits. */
  readonly keep?: boolean;
  /** Called once the group exists (before the leader's exit is awaited). */
  readonly started?: (group: ProcessGroup) => void;
  /** Called when the leader has exited, before the rest is stopped. */
  readonly leaderExited?: (exit: LeaderExit, group: ProcessGroup) => void;
  /** Called last, on every path (success, spawn failure, stop failure). */
  readonly finished?: () => void;
}

/**
 * The foreground life of `pg run`, `pg init` and `pg activate`: start the group with the signal
 * forwarder already in place, wait for the leader, stop what is left of the group, and answer
 * the leader's status (its exit code, or 128+N for signal N). A command that cannot be started
 * answers 127 or 126 as a shell would; a stop that fails answers 1.
 */
export async function runInForeground(io: Io, start: () => Promise<ProcessGroup>, options: ForegroundOptions): Promise<number> {
  const { forwarder } = options;
  forwarder.start();
  let group: ProcessGroup;
  try {
    group = await start();
  } catch (error) {
    await forwarder.stop();
    options.finished?.();
    const code = spawnFailureCode(error);
    if (code === undefined) throw error;
    warn(io, (error as Error).message);
    return code;
  }
  options.started?.(group);
  forwarder.attach(group);
  const exit = await (group.leader as NonNullable<ProcessGroup['leader']>).exited;
  options.leaderExited?.(exit, group);
  try {
    if (options.keep !== true) await group.stop({ timeout: options.stopTimeout });
  } catch (error) {
    warn(io, `the leader ${describeExit(exit)}, but stopping the rest of group ${group.id} failed: ${(error as Error).message}`);
    return 1;
  } finally {
    await forwarder.stop();
    options.finished?.();
  }
  return exitCodeOf(exit);
}
