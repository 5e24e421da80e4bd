// The `sockets` option of activate(): validated completely before anything is opened, then
// turned into descriptors (opening the addresses), so that a bad entry leaks nothing.
import net from 'node:net';
import { parseListenAddress, type ListenAddress } from './address.js';
import { describeFd } from './describe.js';
import { isValidFdName } from './names.js';
import { closeFd, DEFAULT_BACKLOG, openListenSocket } from './open-socket.js';

/** Where a passed socket comes from: an address to open, a listening `net.Server`, or an open descriptor. */
export type SocketSource = string | ListenAddress | net.Server | number;

/** One entry of `sockets`: a source, or a source with a name (default `'unknown'`) and a backlog. */
export type ActivationSocket = SocketSource | { readonly socket: SocketSource; readonly name?: string; readonly backlog?: number };

/** A validated entry. */
interface Plan {
  readonly name: string;
  readonly address?: ListenAddress;
  readonly fd?: number;
  readonly backlog: number;
}

/** A socket ready to pass: the descriptor in this process, and whether activate() opened it. */
export interface PreparedSocket {
  readonly fd: number;
  readonly name: string;
  readonly owned: boolean;
}

/** Check every entry (TypeError naming `sockets[i]`); opens nothing. */
export function planSockets(sockets: unknown): Plan[] {
  if (!Array.isArray(sockets) || sockets.length === 0) {
    throw new TypeError(`activate: option sockets must be a non-empty array, got ${describeValue(sockets)}`);
  }
  return sockets.map((entry: unknown, i) => {
    const where = `sockets[${i}]`;
    const wrapped = typeof entry === 'object' && entry !== null && 'socket' in entry;
    const e = (wrapped ? entry : { socket: entry }) as { socket: unknown; name?: unknown; backlog?: unknown };
    const name = e.name ?? 'unknown';
    if (typeof name !== 'string' || !isValidFdName(name)) {
      throw new TypeError(
        `activate: option ${where}.name must be printable ASCII without ':' and at most 255 characters, got ${describeValue(name)}`,
      );
    }
    const backlog = e.backlog ?? DEFAULT_BACKLOG;
    if (!Number.isInteger(backlog) || (backlog as number) < 1) {
      throw new TypeError(`activate: option ${where}.backlog must be a positive integer, got ${describeValue(backlog)}`);
    }
    return { name, backlog: backlog as number, ...source(e.socket, where) };
  });
}

function source(s: unknown, where: string): { address: ListenAddress } | { fd: number } {
  if (typeof s === 'string') {
    try {
      return { address: parseListenAddress(s) };
    } catch (error) {
      throw new TypeError(`activate: option ${where}: ${(error as Error).message}`);
    }
  }
  if (typeof s === 'number') {
    if (!Number.isInteger(s) || s < 0) throw new TypeError(`activate: option ${where} must be a descriptor number >= 0, got ${s}`);
    const d = describeFd(s);
    if (d.kind !== 'socket') throw new TypeError(`activate: option ${where}: fd ${s} is not a socket (it is ${d.kind})`);
    return { fd: s };
  }
  if (s instanceof net.Server) {
    // A listening net.Server keeps its descriptor on its libuv handle (Unix only).
    const fd = (s as unknown as { _handle?: { fd?: unknown } | null })._handle?.fd;
    if (!s.listening || typeof fd !== 'number' || fd < 0) {
      throw new TypeError(`activate: option ${where} is a net.Server that is not listening (or has no descriptor)`);
    }
    return { fd };
  }
  if (typeof s === 'object' && s !== null && 'transport' in s) return { address: s as ListenAddress };
  throw new TypeError(
    `activate: option ${where} must be an address string, a ListenAddress, a listening net.Server or a descriptor number, got ${describeValue(s)}`,
  );
}

/** Open what the plan says to open; on any failure close what was opened and rethrow. */
export function openSockets(plans: readonly Plan[]): PreparedSocket[] {
  const prepared: PreparedSocket[] = [];
  try {
    for (const p of plans) {
      if (p.fd !== undefined) prepared.push({ fd: p.fd, name: p.name, owned: false });
      else prepared.push({ fd: openListenSocket(p.address as ListenAddress, p.backlog), name: p.name, owned: true });
    }
    return prepared;
  } catch (error) {
    closeOwned(prepared);
    throw error;
  }
}

/** Close the descriptors activate() opened itself. */
export function closeOwned(sockets: readonly PreparedSocket[]): void {
  for (const s of sockets) if (s.owned) closeFd(s.fd);
}

export function describeValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || typeof v !== 'object') return `${typeof v} ${String(v)}`;
  return Array.isArray(v) ? 'an array' : `an object (${v.constructor?.name ?? 'Object'})`;
}
