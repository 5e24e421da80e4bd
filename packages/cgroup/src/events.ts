import { watch, type FSWatcher } from 'node:fs';
import { posix } from 'node:path';
import { CgroupError, fsCode } from './errors.js';
import { parseFlatKeyed, readOptional } from './files.js';

/** The two states `cgroup.events` reports. */
export interface CgroupEvents {
  /** Some process lives in the cgroup or below it (recursive; zombies do not count). */
  readonly populated: boolean;
  /** The cgroup is fully frozen. */
  readonly frozen: boolean;
}

/**
 * Read `cgroup.events` of `dir`. A directory that no longer exists reads as empty: the kernel
 * removes a cgroup only when it has no processes (rmdir gives EBUSY otherwise).
 * @throws CgroupError `'EUNSUPPORTED'` for the root cgroup, which has no cgroup.events.
 */
export function readEvents(dir: string): CgroupEvents {
  const file = posix.join(dir, 'cgroup.events');
  const text = readOptional(file);
  if (text === undefined) {
    if (readOptional(posix.join(dir, 'cgroup.procs')) === undefined) return { populated: false, frozen: false };
    throw new CgroupError(`${dir} has no cgroup.events (the root cgroup has none)`, 'EUNSUPPORTED', file);
  }
  const kv = parseFlatKeyed(text);
  return { populated: kv.populated === 1, frozen: kv.frozen === 1 };
}

/** Options of `waitForEvents`. */
export interface WaitOptions {
  /** Stop waiting: the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Keep the event loop alive while waiting (default true). */
  ref?: boolean;
  /**
   * Something that settles no later than the cgroup empties, when the caller has one (pg-helper
   * watches cgroup.events itself and exits once the group is empty): until it settles, the file
   * is read only at the start and after `kick()`, with no inotify watch of this process's own;
   * then it is read again, and only if the cgroup is still populated (the helper was killed) does
   * the usual watch begin.
   */
  watchAfter?: Promise<unknown>;
}

/** A pending wait: the promise plus `kick()`, which re-reads soon (see below). */
export interface EventWait extends Promise<CgroupEvents> {
  /** Re-read cgroup.events on a short timer (1, 2, 4 … 32 ms): call it right after a kill or freeze. */
  kick(): void;
}

/** How long after `kick()` the file is re-read every millisecond. */
const KICK_WINDOW_MS = 200;

/**
 * Resolve with the events once `predicate` holds, e.g. `(e) => !e.populated` for "empty".
 *
 * The kernel signals every change of cgroup.events as a file modification, so Node's `fs.watch`
 * (inotify) sees it without a timer loop. But those notifications are rate-limited (about one per
 * 12 ms measured here, docs/linux.md#emptiness-and-cgroupevents): a change right after another is reported late. So the
 * file is read once after the watch is in place (nothing is missed between read and watch), on
 * every notification, and every millisecond for a short window after `kick()`.
 */
export function waitForEvents(dir: string, predicate: (events: CgroupEvents) => boolean, options: WaitOptions = {}): EventWait {
  let kick: () => void = () => {};
  const promise = new Promise<CgroupEvents>((resolve, reject) => {
    const file = posix.join(dir, 'cgroup.events');
    let watcher: FSWatcher | undefined;
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (error: unknown, events?: CgroupEvents) => {
      if (done) return;
      done = true;
      watcher?.close();
      if (timer !== undefined) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      if (error !== undefined) reject(error);
      else resolve(events as CgroupEvents);
    };
    const check = () => {
      if (done) return;
      let events: CgroupEvents;
      try {
        events = readEvents(dir);
      } catch (error) {
        finish(error);
        return;
      }
      if (predicate(events)) finish(undefined, events);
    };
    const onAbort = () => finish(options.signal?.reason ?? new CgroupError('wait aborted', 'ABORT_ERR'));
    if (options.signal?.aborted) {
      onAbort();
      return;
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const startWatch = () => {
      if (done) return;
      try {
        watcher = watch(file, { persistent: options.ref ?? true }, check);
        // A removed directory ends the watch (IN_IGNORED): re-read, which then reports empty.
        watcher.on('error', check);
      } catch (error) {
        // ENOENT: the cgroup is already gone (readEvents reports it empty), or it is the root.
        if (fsCode(error) !== 'ENOENT') {
          finish(new CgroupError(`watching ${file} failed: ${fsCode(error) ?? 'EIO'}`, fsCode(error) ?? 'EIO', file, { cause: error }));
          return;
        }
      }
      check();
    };
    // While another process watches the file (pg-helper, which re-reads it every millisecond
    // after the leader's exit and exits once the group is empty), a kick reads it once: the
    // short re-read window is that watcher's job, not a second poll of the same file.
    let delegated = options.watchAfter !== undefined;
    if (options.watchAfter === undefined) {
      startWatch();
    } else {
      check();
      const after = () => {
        delegated = false;
        check();
        startWatch();
      };
      options.watchAfter.then(after, after);
    }
    kick = () => {
      if (done) return;
      if (timer !== undefined) clearTimeout(timer);
      // Re-read every millisecond for a short window: a kill of 1000 processes empties the group
      // in ~35 ms, and a back-off would find it late. One read is a few microseconds; after the
      // window, inotify (≤ ~12 ms late) covers whatever takes longer.
      // Now first: the change may already be there.
      check();
      if (done || delegated) return;
      const until = Date.now() + KICK_WINDOW_MS;
      const tick = () => {
        check();
        timer = !done && Date.now() < until ? setTimeout(tick, 1) : undefined;
        if (options.ref === false) timer?.unref();
      };
      timer = setTimeout(tick, 1);
      if (options.ref === false) timer.unref();
    };
  });
  return Object.assign(promise, { kick: () => kick() });
}
