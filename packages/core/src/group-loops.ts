import { setTimeout as sleep } from 'node:timers/promises';
import type { BackendGroup } from './backend.js';
import { GroupGoneError, UnstoppableGroupError } from './errors/index.js';

/**
 * The loops every backend shares, written once. A backend does one pass of each thing; these
 * decide how often, how long, and when to give up, the same way everywhere.
 */

/** A signal pass that keeps finding new members this many times is a fork bomb: give up loudly. */
export const MAX_SIGNAL_PASSES = 100;
/** How long kill() keeps killing before it says the group cannot be emptied. */
export const KILL_BOUND_MS = 30_000;
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
  const release = await group.holdForks?.(signal);
  try {
    const signalled = new Set<string>();
    for (let pass = 0; pass < MAX_SIGNAL_PASSES; pass++) {
      let sent: number;
      try {
        sent = await group.signalPass(signal, signalled);
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
    await sleep(pause, undefined, { signal: AbortSignal.any([abort, woken.signal]) }).catch(() => undefined);
  }
}

/** Whether `promise` settles within `ms`; a rejection is passed on. */
async function settlesWithin(promise: Promise<void>, ms: number): Promise<boolean> {
  const timer = new AbortController();
  try {
    return await Promise.race([promise.then(() => true), sleep(ms, false, { signal: timer.signal }).catch(() => false)]);
  } finally {
    timer.abort();
  }
}
