import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';

/**
 * Node drains a child's unread stdout, stderr and other readable pipes once the child exits
 * (`flushStdio` in lib/internal/child_process.js: "the user has one last chance to consume the
 * output", the tick after 'exit'). A spawnGroup that awaits before it hands the group over (the
 * placement check, the helper's "started" line) could let a quick leader exit in between, and its
 * output would be thrown away before the caller could attach a listener.
 *
 * So pg holds each readable pipe while it works: a `'readable'` listener makes Node's resume()
 * leave the data buffered (Readable.resume flows only when no one listens for 'readable').
 * `releaseOutput` takes the listener off when the group is handed over; if the child exited
 * meanwhile, the caller gets what Node gives: until the next turn of the event loop to start
 * reading, after which untouched pipes are drained, so the child's 'close' still comes.
 */
const held = new WeakMap<ChildProcess, Array<{ stream: Readable; listener: () => void }>>();

/** Holds the readable pipes of `child` (call right after `spawn()` returns). */
export function holdOutput(child: ChildProcess): void {
  const holds: Array<{ stream: Readable; listener: () => void }> = [];
  // A spawn that failed at once (EMFILE, say) has no stdio array: nothing to hold.
  for (const stream of child.stdio ?? []) {
    if (stream === null || stream === undefined || !('read' in stream) || !stream.readable) continue;
    const listener = () => undefined;
    stream.on('readable', listener);
    holds.push({ stream: stream as Readable, listener });
  }
  held.set(child, holds);
}

/** Lets `child`'s pipes flow to whoever reads them from now on (see above). Harmless twice. */
export function releaseOutput(child: ChildProcess): void {
  const holds = held.get(child);
  if (holds === undefined) return;
  held.delete(child);
  const exited = child.exitCode !== null || child.signalCode !== null;
  for (const { stream, listener } of holds) {
    stream.off('readable', listener);
    if (!exited) continue;
    setImmediate(() => {
      if (stream.listenerCount('data') === 0 && stream.listenerCount('readable') === 0 && stream.readableFlowing !== false) stream.resume();
    });
  }
}
