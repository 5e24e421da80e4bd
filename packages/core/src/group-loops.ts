import type { BackendGroup } from './backend.js';
import { delay } from './delay.js';
import { GroupGoneError, UnstoppableGroupError } from './errors/index.js';
import { Hold, SignalRound } from './rounds.js';
import { SIGKILL, signalName as signalNameOf } from './signals.js';

/**
 * The loops every backend shares, written once. A backend does one pass of each thing; these
 * decide how often, how long, and when to give up, the same way everywhere.
 */

/** A signal pass that keeps finding new members this many times is a fork bomb: give up loudly. */
export const MAX_SIGNAL_PASSES = 100;
/** How long kill() keeps killing before it says the group cannot be emptied. */
export const KILL_BOUND_MS = 30_000;
/**
 * How long core keeps holding forks off (freeze, stop passes) before it delivers the signal
 * anyway: a task in uninterruptible sleep can delay `frozen 1` or a stop indefinitely, and the
 * passes stay correct without the hold (only forks are no longer held off).
 */
export const HOLD_BOUND_MS = 1000;
/** The longest pause between two hold passes that did not yet hold everything. */
const HOLD_PAUSE_MAX_MS = 8;
/** The longest pause between two kill passes. */
const KILL_PAUSE_MAX_MS = 100;
/** Polling for emptiness where there is no event: from 2 ms, doubling, to at most 50 ms. */
const POLL_FIRST_MS = 2;
const POLL_MAX_MS = 50;

/**
 * Delivers `signal` to every member: one pass after another until a pass finds no member it has
 * not signalled yet. Forks are held off meanwhile where the backend can (a frozen cgroup).
 * @throws UnstoppableGroupError when members keep forking through `MAX_SIGNAL_PASSES` passes.
 */
export async function signalUntilNoneNew(group: BackendGroup, signal: number): Promise<void> {
  const release = await holdForks(group, signal);
  try {
    const round = new SignalRound(signal);
    for (let pass = 0; pass < MAX_SIGNAL_PASSES; pass++) {
      let sent: number;
      try {
        sent = await group.signalPass(round);
      } catch (error) {
        // Gone after a pass went through: it emptied and was removed (a group is removed only
        // once empty), so every member had the signal. Before the first pass it is an error.
        if (pass > 0 && GroupGoneError.isInstance(error)) return;
        throw error;
      }
      if (sent === 0) return;
    }
    throw new UnstoppableGroupError(group.id, `kept forking new members through ${MAX_SIGNAL_PASSES} signal passes`);
  } finally {
    release?.();
  }
}

/**
 * Holds off forks for `signal` where the backend can: hold passes, with pauses from 1 ms
 * doubling to 8 ms, until one says everything is held or `HOLD_BOUND_MS` has passed (then the
 * caller goes on without a full hold). Returns the release, or undefined where the backend
 * cannot hold. A stop signal being delivered needs no hold (and its release would undo it).
 */
export async function holdForks(group: BackendGroup, signal: number): Promise<(() => void) | undefined> {
  if (group.holdPass === undefined || STOP_SIGNAL_NAMES.has(signalNameOf(signal))) return undefined;
  const hold = new Hold(signal);
  const release = () => group.releaseHold?.(hold);
  const deadline = Date.now() + HOLD_BOUND_MS;
  try {
    for (let pause = 1; !(await group.holdPass(hold)) && Date.now() < deadline; pause = Math.min(pause * 2, HOLD_PAUSE_MAX_MS)) {
      await delay(pause);
    }
  } catch (error) {
    release();
    throw error;
  }
  return release;
}

/**
 * SIGKILLs every member and keeps doing so, pass after pass, until `emptied` settles: a member a
 * pass missed (it was being forked, it moved to another process group between a scan and the
 * kill) is found and killed by the next. Pauses double from 1 ms to 100 ms; `kick` asks for
 * emptiness to be re-checked after each pass.
 * @throws UnstoppableGroupError when the group is still not empty after `KILL_BOUND_MS`.
 */
export async function killUntilEmpty(group: BackendGroup, emptied: Promise<void>, kick: () => void): Promise<void> {
  const deadline = Date.now() + KILL_BOUND_MS;
  for (let pause = 1, pass = 0; ; pause = Math.min(pause * 2, KILL_PAUSE_MAX_MS), pass++) {
    try {
      // Where SIGKILL is atomic only against a held tree (reaper), hold it first; the kill ends
      // what the hold stopped, so there is nothing to release.
      if (group.holdBeforeKill === true) await holdForks(group, SIGKILL);
      await group.killPass();
    } catch (error) {
      // Gone after a kill pass went through: every member had its SIGKILL, and the group was then
      // removed (by its helper, or another process that saw it empty first). Before the first
      // pass, a missing group is an error: its members may live on elsewhere.
      if (pass === 0 || !GroupGoneError.isInstance(error)) throw error;
      kick();
      return emptied;
    }
    kick();
    if (await settlesWithin(emptied, pause)) return;
    if (Date.now() >= deadline) {
      throw new UnstoppableGroupError(group.id, `still had live members ${KILL_BOUND_MS / 1000} s after the first SIGKILL`);
    }
  }
}

/**
 * Where a backend has no empty event: ask `isEmpty()` again and again, backing off from 2 ms to
 * 50 ms, and at once when `wake` is called (after a kill, on the leader's exit).
 */
export async function pollUntilEmpty(group: BackendGroup, abort: AbortSignal, onWake: (wake: () => void) => void): Promise<void> {
  for (let pause = POLL_FIRST_MS; !abort.aborted; pause = Math.min(pause * 2, POLL_MAX_MS)) {
    if (await group.isEmpty()) return;
    const woken = new AbortController();
    onWake(() => {
      woken.abort();
      pause = POLL_FIRST_MS / 2;
    });
    await delay(pause, AbortSignal.any([abort, woken.signal]));
  }
}

/** The stop signals: a held (stopped) tree is what they make, so they need no hold. */
const STOP_SIGNAL_NAMES = new Set(['SIGSTOP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU']);

/** Whether `promise` settles within `ms`; a rejection is passed on. */
async function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  const timer = new AbortController();
  try {
    return await Promise.race([promise.then(() => true), delay(ms, timer.signal).then(() => false)]);
  } finally {
    timer.abort();
  }
}
