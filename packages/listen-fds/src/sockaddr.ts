// struct sockaddr_in / sockaddr_in6 / sockaddr_un as bytes (linux/in.h, linux/in6.h, linux/un.h).
// sa_family is in host byte order, ports in network order.
import { C, libc } from './ffi.js';

/** Room for any of the three (sizeof(struct sockaddr_storage) is 128). */
export const SOCKADDR_MAX = 128;

/** An encoded address and the length to pass to bind(). */
export interface SockaddrBytes {
  readonly bytes: Buffer;
  readonly length: number;
}

export function encodeInet(family: 4 | 6, host: string, port: number): SockaddrBytes {
  const bytes = Buffer.alloc(family === 4 ? 16 : 28);
  bytes.writeUInt16LE(family === 4 ? C.AF_INET : C.AF_INET6, 0);
  bytes.writeUInt16BE(port, 2);
  const raw = Buffer.alloc(16);
  if (libc().inet_pton(family === 4 ? C.AF_INET : C.AF_INET6, host, raw) !== 1) {
    throw new TypeError(`not an IPv${family} literal: ${JSON.stringify(host)}`);
  }
  // sockaddr_in: address at 4; sockaddr_in6: flowinfo at 4, address at 8, scope id at 24.
  raw.copy(bytes, family === 4 ? 4 : 8, 0, family === 4 ? 4 : 16);
  return { bytes, length: bytes.length };
}

export function encodeUnix(path: string, abstract: boolean): SockaddrBytes {
  const name = Buffer.from(path);
  const bytes = Buffer.alloc(110);
  bytes.writeUInt16LE(C.AF_UNIX, 0);
  // An abstract name starts with a NUL and its length is exact (no terminator counts); a path
  // is NUL-terminated (the buffer is zeroed).
  name.copy(bytes, abstract ? 3 : 2);
  return { bytes, length: 2 + (abstract ? 1 + name.length : name.length + 1) };
}

/** A decoded local address. */
export type DecodedSockaddr =
  | { readonly family: 'ipv4' | 'ipv6'; readonly host: string; readonly port: number }
  | { readonly family: 'unix'; readonly path: string | null; readonly abstract: boolean }
  | { readonly family: 'other'; readonly number: number };

export function decodeSockaddr(bytes: Buffer, length: number): DecodedSockaddr {
  const family = length >= 2 ? bytes.readUInt16LE(0) : 0;
  if (family === C.AF_INET || family === C.AF_INET6) {
    const v4 = family === C.AF_INET;
    const raw = bytes.subarray(v4 ? 4 : 8, v4 ? 8 : 24);
    const text = libc().inet_ntop(family, Buffer.from(raw), Buffer.alloc(64), 64) ?? '';
    return { family: v4 ? 'ipv4' : 'ipv6', host: text, port: bytes.readUInt16BE(2) };
  }
  if (family === C.AF_UNIX) {
    // Length 2: an unnamed socket (socketpair, or never bound).
    if (length <= 2) return { family: 'unix', path: null, abstract: false };
    if (bytes[2] === 0) return { family: 'unix', path: bytes.subarray(3, length).toString(), abstract: true };
    const end = bytes.indexOf(0, 2);
    return { family: 'unix', path: bytes.subarray(2, end < 0 || end > length ? length : end).toString(), abstract: false };
  }
  return { family: 'other', number: family };
}
