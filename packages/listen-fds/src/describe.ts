// What a descriptor is, for `pg fds` and for the adopt helpers' checks: getsockopt(SO_DOMAIN,
// SO_TYPE, SO_ACCEPTCONN) and getsockname(), or fstat() for what is not a socket.
import { fstatSync, readlinkSync } from 'node:fs';
import { C, errnoCode, libc } from './ffi.js';
import { decodeSockaddr, SOCKADDR_MAX } from './sockaddr.js';

/** A socket's properties. `local` is in the listen-address syntax (`127.0.0.1:8080`, `[::1]:80`, `/run/x.sock`, `@name`). */
export interface SocketDescription {
  readonly fd: number;
  readonly kind: 'socket';
  readonly family: 'ipv4' | 'ipv6' | 'unix' | 'other';
  readonly type: 'stream' | 'dgram' | 'seqpacket' | 'other';
  /** SO_ACCEPTCONN: listen() was called on it (always false for datagram sockets). */
  readonly listening: boolean;
  /** The local address; null for an unnamed Unix socket. */
  readonly local: string | null;
  readonly host?: string;
  readonly port?: number;
  readonly path?: string;
}

/** A descriptor that is not a socket (or not open). */
export interface OtherFdDescription {
  readonly fd: number;
  readonly kind: 'fifo' | 'file' | 'directory' | 'character-device' | 'block-device' | 'other' | 'closed';
  /** Where /proc/self/fd points (`/dev/null`, `pipe:[1234]`), when readable. */
  readonly target: string | null;
}

export type FdDescription = SocketDescription | OtherFdDescription;

/**
 * Describe a descriptor of this process. Linux only (koffi + libc for the socket calls).
 * Never throws for a closed or non-socket fd: those are described as such.
 */
export function describeFd(fd: number): FdDescription {
  if (!Number.isInteger(fd) || fd < 0) throw new TypeError(`describeFd: fd must be a non-negative integer, got ${String(fd)}`);
  const f = libc();
  const value = Buffer.alloc(4);
  const len = Buffer.alloc(4);
  const opt = (name: number): number | string => {
    len.writeUInt32LE(4);
    if (f.getsockopt(fd, C.SOL_SOCKET, name, value, len) < 0) return errnoCode(f.errno());
    return value.readInt32LE(0);
  };
  const domain = opt(C.SO_DOMAIN);
  if (typeof domain === 'string') return other(fd, domain);
  const type = opt(C.SO_TYPE);
  const accepting = opt(C.SO_ACCEPTCONN);
  const sa = Buffer.alloc(SOCKADDR_MAX);
  const salen = Buffer.alloc(4);
  salen.writeUInt32LE(SOCKADDR_MAX);
  const named = f.getsockname(fd, sa, salen) === 0;
  const decoded = named ? decodeSockaddr(sa, salen.readUInt32LE(0)) : undefined;
  const base = {
    fd,
    kind: 'socket' as const,
    family: domain === C.AF_INET ? 'ipv4' : domain === C.AF_INET6 ? 'ipv6' : domain === C.AF_UNIX ? 'unix' : 'other',
    type: type === C.SOCK_STREAM ? 'stream' : type === C.SOCK_DGRAM ? 'dgram' : type === C.SOCK_SEQPACKET ? 'seqpacket' : 'other',
    listening: accepting === 1,
  } as const;
  if (decoded?.family === 'ipv4' || decoded?.family === 'ipv6') {
    const host = decoded.host;
    return { ...base, local: `${decoded.family === 'ipv6' ? `[${host}]` : host}:${decoded.port}`, host, port: decoded.port };
  }
  if (decoded?.family === 'unix' && decoded.path !== null) {
    return { ...base, local: `${decoded.abstract ? '@' : ''}${decoded.path}`, path: decoded.path };
  }
  return { ...base, local: null };
}

function other(fd: number, code: string): OtherFdDescription {
  let target: string | null = null;
  try {
    target = readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    // No /proc, or the fd closed meanwhile: the kind below still answers.
  }
  if (code === 'EBADF') return { fd, kind: 'closed', target: null };
  const st = fstatSync(fd);
  const kind = st.isFIFO()
    ? 'fifo'
    : st.isFile()
      ? 'file'
      : st.isDirectory()
        ? 'directory'
        : st.isCharacterDevice()
          ? 'character-device'
          : st.isBlockDevice()
            ? 'block-device'
            : 'other';
  return { fd, kind, target };
}
