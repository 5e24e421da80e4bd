/**
 * Resolves after `ms`, or as soon as `signal` aborts (resolving, not rejecting: a wait cut short
 * is not an error for the loops that use it). Built on the global `setTimeout`, not
 * `timers/promises`, so that the loops' bounds can be tested with fake timers.
 */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
