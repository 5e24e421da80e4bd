// Turning a passed descriptor into what a Node program uses. Node adopts a descriptor with
// server.listen({ fd }) (TCP and Unix stream) and dgram socket.bind({ fd }) (UDP); both keep the
// socket as it is (no new bind), so connections queued before start-up are served.
import dgram from 'node:dgram';
import net from 'node:net';
import { once } from 'node:events';
import { describeFd, type FdDescription } from './describe.js';
import { ListenFdsError } from './errors.js';
import type { ListenFd } from './receive.js';

function fdOf(fd: number | ListenFd, helper: string): number {
  const n = typeof fd === 'number' ? fd : fd?.fd;
  if (!Number.isInteger(n) || (n as number) < 0) {
    throw new TypeError(`${helper}: fd must be a non-negative integer or a ListenFd, got ${String(n)}`);
  }
  return n as number;
}

function wrong(helper: string, d: FdDescription, wanted: string): ListenFdsError {
  const what = d.kind === 'socket' ? `a ${d.family} ${d.type} socket${d.listening ? ' (listening)' : ''}` : `a ${d.kind}`;
  return new ListenFdsError(`${helper}: fd ${d.fd} is ${what}; expected ${wanted}`, 'EWRONGSOCKET');
}

/**
 * Make `server` (a `net.Server`, or an `http.Server`/`https.Server`, which are ones) listen on a
 * passed listening TCP or Unix stream socket, and resolve once it does. With no server, a new
 * `net.Server` is created. The socket is adopted, not re-bound.
 * @throws ListenFdsError `'EWRONGSOCKET'` for a datagram socket, a connected socket (an
 * `Accept=yes` connection: use `new net.Socket({ fd })`), or a descriptor that is not a socket.
 */
export async function listenServer<S extends net.Server = net.Server>(fd: number | ListenFd, server?: S): Promise<S> {
  const n = fdOf(fd, 'listenServer');
  const d = describeFd(n);
  if (d.kind !== 'socket' || d.type !== 'stream' || d.family === 'other' || !d.listening) {
    throw wrong('listenServer', d, 'a listening TCP or Unix stream socket');
  }
  const s = server ?? (net.createServer() as S);
  const listening = once(s, 'listening');
  s.listen({ fd: n });
  await listening;
  return s;
}

/**
 * A `dgram.Socket` on a passed UDP socket (`udp4` or `udp6` from the socket's family), resolved
 * once it is bound. The socket is adopted, not re-bound.
 * @throws ListenFdsError `'EWRONGSOCKET'` for a stream socket, a Unix datagram socket (Node's
 * dgram has no Unix sockets), or a descriptor that is not a socket.
 */
export async function bindDgram(fd: number | ListenFd, options: Omit<dgram.SocketOptions, 'type'> = {}): Promise<dgram.Socket> {
  const n = fdOf(fd, 'bindDgram');
  const d = describeFd(n);
  if (d.kind !== 'socket' || d.type !== 'dgram' || (d.family !== 'ipv4' && d.family !== 'ipv6')) {
    throw wrong('bindDgram', d, 'a UDP socket');
  }
  const socket = dgram.createSocket({ ...options, type: d.family === 'ipv6' ? 'udp6' : 'udp4' });
  const listening = once(socket, 'listening');
  socket.bind({ fd: n });
  await listening;
  return socket;
}

/**
 * The first passed descriptor called `name` (names need not be unique: systemd gives every socket
 * of a unit the unit's name unless FileDescriptorName= is set).
 * @throws ListenFdsError `'ENONAME'` listing the names that were passed.
 */
export function findListenFd(fds: readonly ListenFd[], name: string): ListenFd {
  const found = fds.find((f) => f.name === name);
  if (found !== undefined) return found;
  const names = fds.map((f) => JSON.stringify(f.name)).join(', ');
  throw new ListenFdsError(`no passed descriptor is named ${JSON.stringify(name)} (passed: ${names || 'none'})`, 'ENONAME');
}
