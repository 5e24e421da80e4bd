// koffi declarations for the spawner's socket calls. Declarations only: no policy. errno is read
// right after each call, before any other Node API runs (a later fs call resets it).
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { HelperError } from '../errors.js';

type Koffi = typeof import('koffi');

/** Linux constants shared by x86_64 and aarch64 (asm-generic/socket.h, fcntl.h). */
export const C = {
  AF_UNIX: 1,
  SOCK_STREAM: 1,
  SOCK_SEQPACKET: 5,
  SOCK_CLOEXEC: 0o2000000,
  SOCK_NONBLOCK: 0o4000,
  O_CLOEXEC: 0o2000000,
  SOL_SOCKET: 1,
  SCM_RIGHTS: 1,
  MSG_DONTWAIT: 0x40,
  MSG_NOSIGNAL: 0x4000,
  MFD_CLOEXEC: 1,
  SO_PEERCRED: 17,
} as const;

/** The bound libc calls; each returns -1 and sets errno on failure. */
export interface SpawnerLibc {
  socketpair(domain: number, type: number, protocol: number, fds: Int32Array): number;
  pipe2(fds: Int32Array, flags: number): number;
  sendmsg(fd: number, payload: Buffer, control: Buffer | null, flags: number): number;
  memfd_create(name: string, flags: number): number;
  socket(domain: number, type: number, protocol: number): number;
  bind(fd: number, address: Buffer, length: number): number;
  listen(fd: number, backlog: number): number;
  accept4(fd: number, flags: number): number;
  /** SO_PEERCRED: `ucred` receives pid, uid, gid. */
  peerCredentials(fd: number, ucred: Int32Array): number;
  close(fd: number): number;
  errno(): number;
}

let loaded: SpawnerLibc | HelperError | undefined;

/**
 * koffi and libc on first use, never at import. A failure is remembered and thrown as HelperError
 * `'EFFI'`. Main thread only: koffi in worker threads can hang at exit (koffi #274).
 */
export function libc(): SpawnerLibc {
  if (loaded === undefined) loaded = load();
  if (loaded instanceof HelperError) throw loaded;
  return loaded;
}

function load(): SpawnerLibc | HelperError {
  if (process.platform !== 'linux' || (process.arch !== 'x64' && process.arch !== 'arm64')) {
    return new HelperError(`the pg-helper spawner runs on Linux x64/arm64, not ${process.platform}/${process.arch}`, 'EUNSUPPORTED');
  }
  let koffi: Koffi;
  let lib: ReturnType<Koffi['load']>;
  try {
    koffi = createRequire(import.meta.url)('koffi') as Koffi;
    lib = koffi.load('libc.so.6');
  } catch (cause) {
    return new HelperError(`koffi could not load libc: ${(cause as Error).message}`, 'EFFI', { cause });
  }
  // struct iovec and struct msghdr (LP64 layout; sendmsg(2)).
  const iovec = koffi.struct('pg_spawner_iovec', { base: 'void *', len: 'size_t' });
  const msghdr = koffi.struct('pg_spawner_msghdr', {
    name: 'void *',
    namelen: 'uint32_t',
    iov: koffi.pointer(iovec),
    iovlen: 'size_t',
    control: 'void *',
    controllen: 'size_t',
    flags: 'int',
  });
  const sendmsg = lib.func('sendmsg', 'long', ['int', koffi.pointer(msghdr), 'int']);
  const socketpair = lib.func('int socketpair(int, int, int, _Out_ int32_t *)');
  const pipe2 = lib.func('int pipe2(_Out_ int32_t *, int)');
  const close = lib.func('int close(int)');
  const memfdCreate = lib.func('int memfd_create(const char *, unsigned int)');
  const socket = lib.func('int socket(int, int, int)');
  const bind = lib.func('int bind(int, const void *, uint32_t)');
  const listen = lib.func('int listen(int, int)');
  const accept4 = lib.func('int accept4(int, void *, void *, int)');
  const getsockopt = lib.func('int getsockopt(int, int, int, _Out_ int32_t *, _Inout_ uint32_t *)');
  return {
    socketpair: (domain, type, protocol, fds) => socketpair(domain, type, protocol, fds) as number,
    pipe2: (fds, flags) => pipe2(fds, flags) as number,
    sendmsg: (fd, payload, control, flags) =>
      Number(
        sendmsg(
          fd,
          { name: null, namelen: 0, iov: [{ base: payload, len: payload.length }], iovlen: 1, control, controllen: control?.length ?? 0, flags: 0 },
          flags,
        ),
      ),
    memfd_create: (name, flags) => memfdCreate(name, flags) as number,
    socket: (domain, type, protocol) => socket(domain, type, protocol) as number,
    bind: (fd, address, length) => bind(fd, address, length) as number,
    listen: (fd, backlog) => listen(fd, backlog) as number,
    accept4: (fd, flags) => accept4(fd, null, null, flags) as number,
    peerCredentials: (fd, ucred) => getsockopt(fd, C.SOL_SOCKET, C.SO_PEERCRED, ucred, Uint32Array.of(ucred.byteLength)) as number,
    close: (fd) => close(fd) as number,
    errno: () => koffi.errno(),
  };
}

/** A control message carrying `fds` with SCM_RIGHTS (cmsg(3): header of 16 bytes on LP64). */
export function rightsMessage(fds: readonly number[]): Buffer | null {
  if (fds.length === 0) return null;
  const dataLength = 4 * fds.length;
  const space = 16 + Math.ceil(dataLength / 8) * 8; // CMSG_SPACE: data padded to 8 bytes
  const buffer = Buffer.alloc(space);
  buffer.writeBigUInt64LE(BigInt(16 + dataLength), 0); // cmsg_len = CMSG_LEN(data)
  buffer.writeInt32LE(C.SOL_SOCKET, 8);
  buffer.writeInt32LE(C.SCM_RIGHTS, 12);
  fds.forEach((fd, i) => buffer.writeInt32LE(fd, 16 + 4 * i));
  return buffer;
}

let errnoNames: Map<number, string> | undefined;

/** errno number → name from Node's own table (`24` → `'EMFILE'`). */
export function errnoCode(errno: number): string {
  if (errnoNames === undefined) {
    errnoNames = new Map();
    for (const [name, value] of Object.entries(constants.errno)) if (!errnoNames.has(value)) errnoNames.set(value, name);
  }
  return errnoNames.get(errno) ?? `E${errno}`;
}

/** A HelperError for a failed call, from the errno read right after it. */
export function callFailed(call: string, errno: number): HelperError {
  const code = errnoCode(errno);
  return new HelperError(`${call} failed: ${code}`, code, { syscall: call });
}

/** A pipe whose both ends are close-on-exec: `[readEnd, writeEnd]`. */
export function cloexecPipe(): [number, number] {
  const fds = new Int32Array(2);
  const c = libc();
  if (c.pipe2(fds, C.O_CLOEXEC) < 0) throw callFailed('pipe2', c.errno());
  return [fds[0] as number, fds[1] as number];
}

/** A connected pair of close-on-exec Unix sockets of `type` (plus `extraFlags`, e.g. SOCK_NONBLOCK). */
export function cloexecSocketPair(type: number, extraFlags = 0): [number, number] {
  const fds = new Int32Array(2);
  const c = libc();
  if (c.socketpair(C.AF_UNIX, type | C.SOCK_CLOEXEC | extraFlags, 0, fds) < 0) throw callFailed('socketpair', c.errno());
  return [fds[0] as number, fds[1] as number];
}

/** A `struct sockaddr_un` for `path` and its length (unix(7)); at most 107 bytes of path. */
export function unixAddress(path: string): { address: Buffer; length: number } {
  const bytes = Buffer.from(path);
  if (bytes.length > 107 || bytes.includes(0)) throw new HelperError(`the socket path ${path} is longer than 107 bytes or holds a NUL`, 'ENAMETOOLONG');
  const address = Buffer.alloc(110);
  address.writeUInt16LE(C.AF_UNIX, 0);
  bytes.copy(address, 2);
  return { address, length: 2 + bytes.length + 1 };
}
