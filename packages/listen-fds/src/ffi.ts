// koffi declarations for the socket calls @pg/listen-fds needs. Declarations only: no policy.
// errno is read by the callers (through `errno()`) right after each call, before any other Node
// API runs (docs/linux.md#koffi: a later fs call resets it).
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { ListenFdsError } from './errors.js';

type Koffi = typeof import('koffi');

/** The bound libc functions; each returns -1 and sets errno on failure. */
export interface SocketLibc {
  socket(domain: number, type: number, protocol: number): number;
  bind(fd: number, addr: Buffer, len: number): number;
  listen(fd: number, backlog: number): number;
  setsockopt(fd: number, level: number, name: number, value: Buffer, len: number): number;
  getsockopt(fd: number, level: number, name: number, value: Buffer, len: Buffer): number;
  getsockname(fd: number, addr: Buffer, len: Buffer): number;
  inet_pton(af: number, src: string, dst: Buffer): number;
  inet_ntop(af: number, src: Buffer, dst: Buffer, size: number): string | null;
  pipe2(fds: Int32Array, flags: number): number;
  close(fd: number): number;
  errno(): number;
}

/** Linux constants shared by x86_64 and aarch64 (asm-generic/socket.h, bits/socket.h). */
export const C = {
  AF_UNIX: 1,
  AF_INET: 2,
  AF_INET6: 10,
  SOCK_STREAM: 1,
  SOCK_DGRAM: 2,
  SOCK_SEQPACKET: 5,
  SOCK_CLOEXEC: 0o2000000,
  O_CLOEXEC: 0o2000000,
  SOL_SOCKET: 1,
  SO_REUSEADDR: 2,
  SO_TYPE: 3,
  SO_PROTOCOL: 38,
  SO_DOMAIN: 39,
  SO_ACCEPTCONN: 30,
  IPPROTO_IPV6: 41,
  IPV6_V6ONLY: 26,
} as const;

let loaded: SocketLibc | ListenFdsError | undefined;

/**
 * koffi and libc, loaded on first use, never at import. A failure is remembered and thrown as
 * ListenFdsError `'EFFI'` (or `'EUNSUPPORTED'` off Linux / on an architecture whose socket
 * constants differ). Main thread only: koffi in worker threads can hang at exit (koffi #274).
 */
export function libc(): SocketLibc {
  if (loaded === undefined) loaded = load();
  if (loaded instanceof ListenFdsError) throw loaded;
  return loaded;
}

function load(): SocketLibc | ListenFdsError {
  if (process.platform !== 'linux' || (process.arch !== 'x64' && process.arch !== 'arm64')) {
    return new ListenFdsError(`socket activation is implemented for Linux x64/arm64, not ${process.platform}/${process.arch}`, 'EUNSUPPORTED');
  }
  let koffi: Koffi;
  let lib: ReturnType<Koffi['load']>;
  try {
    koffi = createRequire(import.meta.url)('koffi') as Koffi;
    lib = koffi.load('libc.so.6');
  } catch (cause) {
    return new ListenFdsError(`koffi could not load libc: ${(cause as Error).message}`, 'EFFI', { cause });
  }
  return {
    socket: lib.func('int socket(int, int, int)'),
    bind: lib.func('int bind(int, void *, uint32_t)'),
    listen: lib.func('int listen(int, int)'),
    setsockopt: lib.func('int setsockopt(int, int, int, void *, uint32_t)'),
    getsockopt: lib.func('int getsockopt(int, int, int, _Inout_ void *, _Inout_ void *)'),
    getsockname: lib.func('int getsockname(int, _Inout_ void *, _Inout_ void *)'),
    inet_pton: lib.func('int inet_pton(int, const char *, _Out_ void *)'),
    inet_ntop: lib.func('const char *inet_ntop(int, void *, _Out_ void *, uint32_t)'),
    pipe2: lib.func('int pipe2(_Out_ int32_t *, int)'),
    close: lib.func('int close(int)'),
    errno: () => koffi.errno(),
  };
}

let errnoNames: Map<number, string> | undefined;

/** errno number → name from Node's own table for this platform (`98` → `'EADDRINUSE'`). */
export function errnoCode(errno: number): string {
  if (errnoNames === undefined) {
    errnoNames = new Map();
    for (const [name, value] of Object.entries(constants.errno)) if (!errnoNames.has(value)) errnoNames.set(value, name);
  }
  return errnoNames.get(errno) ?? `E${errno}`;
}

/** A ListenFdsError for a failed call, from the errno read right after it. */
export function syscallError(call: string, errno: number, detail: string): ListenFdsError {
  const code = errnoCode(errno);
  return new ListenFdsError(`${call} ${detail} failed: ${code}`, code);
}
