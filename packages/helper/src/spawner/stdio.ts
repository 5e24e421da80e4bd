import type { StdioOptions } from 'node:child_process';
import { closeSync } from 'node:fs';
import { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { cloexecPipe } from './ffi.js';

type StdioEntry = Exclude<StdioOptions, string>[number];

/** The leader's stdio as the spawner gets it, and this process's side of it. */
export interface PreparedStdio {
  /** fds to pass, in order, and the fd number the leader gets each at. */
  readonly fds: number[];
  readonly targets: number[];
  /** This process's end of each 'pipe' entry (a `net.Socket`), null elsewhere; index = the leader's fd. */
  readonly streams: (Readable | Writable | null)[];
  /** Close this process's copies of the leader's pipe ends: once sent, only the leader may hold them. */
  closeChildEnds(): void;
  /** Undo everything (the request failed): the child ends and this process's streams. */
  discard(): void;
}

/**
 * Turns `child_process.spawn`-style stdio into fds for the spawner: 'pipe' (the default for
 * 0..2) is a close-on-exec pipe whose far end goes to the leader and whose near end is wrapped
 * in a `net.Socket` (never `fs` streams: a blocking pipe read parks a threadpool thread), 'inherit'
 * passes this process's fd 0..2, a number passes that fd, a stream passes the fd under it,
 * 'ignore' passes nothing (the spawner puts /dev/null at 0..2). Every pipe is O_CLOEXEC, so a
 * concurrent spawn elsewhere in this process cannot inherit an end and delay EOF.
 * @throws TypeError for 'ipc' (no channel can reach a process the spawner starts) and anything
 *   that is not a spawn stdio entry.
 */
export function prepareStdio(stdio: StdioOptions | undefined): PreparedStdio {
  const entries: StdioEntry[] =
    stdio === undefined ? ['pipe', 'pipe', 'pipe'] : typeof stdio === 'string' ? [stdio, stdio, stdio] : Array.isArray(stdio) ? [...(stdio as StdioEntry[])] : invalid('stdio', stdio);
  while (entries.length < 3) entries.push(undefined);
  const fds: number[] = [];
  const targets: number[] = [];
  const streams: (Readable | Writable | null)[] = [];
  const childEnds: number[] = [];
  const opened: Socket[] = [];
  try {
    entries.forEach((entry, i) => {
      streams[i] = null;
      if (entry === undefined || entry === null) entry = i < 3 ? 'pipe' : 'ignore';
      if (entry === 'pipe' || entry === 'overlapped') {
        const [readEnd, writeEnd] = cloexecPipe();
        const [near, far] = i === 0 ? [writeEnd, readEnd] : [readEnd, writeEnd];
        childEnds.push(far);
        fds.push(far);
        targets.push(i);
        const socket = new Socket({ fd: near, readable: i !== 0, writable: i === 0 });
        opened.push(socket);
        streams[i] = socket;
      } else if (entry === 'inherit') {
        if (i < 3) {
          fds.push(i);
          targets.push(i);
        }
      } else if (entry === 'ignore') {
        // nothing: /dev/null at 0..2, closed above
      } else if (entry === 'ipc') {
        throw new TypeError(`Invalid option \`stdio[${i}]\`: got 'ipc', expected 'pipe', 'inherit', 'ignore', an fd or a stream: the spawner cannot set up a Node IPC channel.`);
      } else if (typeof entry === 'number') {
        if (!Number.isInteger(entry) || entry < 0) invalid(`stdio[${i}]`, entry);
        fds.push(entry);
        targets.push(i);
      } else {
        const fd = (entry as { _handle?: { fd?: unknown } })._handle?.fd;
        if (typeof fd !== 'number' || fd < 0) invalid(`stdio[${i}]`, entry);
        fds.push(fd);
        targets.push(i);
      }
    });
  } catch (error) {
    for (const fd of childEnds) closeSync(fd);
    for (const socket of opened) socket.destroy();
    throw error;
  }
  let closed = false;
  const closeChildEnds = () => {
    if (closed) return;
    closed = true;
    for (const fd of childEnds) closeSync(fd);
  };
  return {
    fds,
    targets,
    streams,
    closeChildEnds,
    discard() {
      closeChildEnds();
      for (const socket of opened) socket.destroy();
    },
  };
}

function invalid(option: string, value: unknown): never {
  throw new TypeError(`Invalid option \`${option}\`: got ${String(value)}, expected 'pipe', 'inherit', 'ignore', an fd number or a stream with an fd.`);
}
