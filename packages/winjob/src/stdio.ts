import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { win32 } from './ffi.js';
import { callError, WinJobError } from './errors.js';
import { DUPLICATE_SAME_ACCESS, FILE_SHARE_READ_WRITE, GENERIC_READ, GENERIC_WRITE, inheritableAttributes, OPEN_EXISTING, STD_HANDLE } from './layout.js';

/** What one of the child's three standard handles is: as `child_process.spawn`'s `stdio` entries. */
export type StdioEntry = 'pipe' | 'inherit' | 'ignore';

/** The three handles a child gets, the parent's ends of its pipes, and what to close after CreateProcessW. */
export interface PreparedStdio {
  /** Inheritable handles for STARTUPINFOW: stdin, stdout, stderr. */
  readonly handles: [number, number, number];
  /** This process's end of each `'pipe'` entry (a named-pipe connection), null otherwise. */
  readonly streams: [Promise<Socket> | null, Promise<Socket> | null, Promise<Socket> | null];
  /** Closes this process's copies of the child's handles: call once CreateProcessW returned (or failed). */
  release(): void;
}

const NAMES = ['stdin', 'stdout', 'stderr'] as const;

/**
 * Builds the child's standard handles. `'pipe'` is a named pipe (`\\.\pipe\pg-<uuid>`) that a
 * `net.Server` of this process listens on, with the child's end opened through CreateFileW as an
 * inheritable handle, so this process reads and writes it as an ordinary `net.Socket` on the event
 * loop (libuv's own pipes are not reachable from outside libuv). `'inherit'` duplicates this
 * process's standard handle as inheritable; `'ignore'` opens `NUL`.
 */
export async function prepareStdio(entries: readonly [StdioEntry, StdioEntry, StdioEntry]): Promise<PreparedStdio> {
  const { kernel32 } = win32();
  const opened: number[] = [];
  const servers: Server[] = [];
  const release = () => {
    for (const h of opened.splice(0)) kernel32.CloseHandle(h);
  };
  try {
    const handles: number[] = [];
    const streams: (Promise<Socket> | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const entry = entries[i];
      const name = NAMES[i] as (typeof NAMES)[number];
      const read = i === 0; // the child reads its stdin and writes the other two
      if (entry === 'pipe') {
        const path = `\\\\.\\pipe\\pg-${process.pid}-${randomUUID()}`;
        const server = createServer();
        servers.push(server);
        const connected = new Promise<Socket>((resolve, reject) => {
          server.once('connection', (socket) => {
            server.close();
            resolve(socket);
          });
          server.once('error', reject);
        });
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(path, () => {
            server.off('error', reject);
            resolve();
          });
        });
        // The pipe server has an instance waiting in ConnectNamedPipe, so this connects at once.
        const h = kernel32.CreateFileW(path, read ? GENERIC_READ : GENERIC_WRITE, 0, inheritableAttributes(), OPEN_EXISTING, 0, 0);
        if (h === -1) throw callError('CreateFileW', kernel32.GetLastError(), `${name} pipe`);
        opened.push(h);
        handles.push(h);
        streams.push(connected);
      } else if (entry === 'ignore') {
        const h = kernel32.CreateFileW('NUL', GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ_WRITE, inheritableAttributes(), OPEN_EXISTING, 0, 0);
        if (h === -1) throw callError('CreateFileW', kernel32.GetLastError(), 'NUL');
        opened.push(h);
        handles.push(h);
        streams.push(null);
      } else if (entry === 'inherit') {
        const own = kernel32.GetStdHandle(STD_HANDLE[name]);
        if (own === 0 || own === -1) {
          handles.push(0); // this process has none: neither does the child
        } else {
          const out = Buffer.alloc(8);
          const self = kernel32.GetCurrentProcess();
          if (kernel32.DuplicateHandle(self, own, self, out, 0, 1, DUPLICATE_SAME_ACCESS) === 0) {
            throw callError('DuplicateHandle', kernel32.GetLastError(), name);
          }
          const h = Number(out.readBigInt64LE(0));
          opened.push(h);
          handles.push(h);
        }
        streams.push(null);
      } else {
        throw new WinJobError(`stdio[${i}] must be 'pipe', 'inherit' or 'ignore' on Windows, got ${String(entry)}`, 'EINVAL');
      }
    }
    return { handles: handles as [number, number, number], streams: streams as PreparedStdio['streams'], release };
  } catch (error) {
    release();
    for (const s of servers) s.close();
    throw error;
  }
}
