// Opening the sockets an activator passes: socket(), bind(), listen() through libc, as systemd
// does, never through Node's net/dgram. A Node server would register the socket with libuv and
// accept connections (or read datagrams) in this process whenever the event loop polls, stealing
// them from the child; a raw descriptor just queues them in the kernel until the child accepts.
import type { ListenAddress } from './address.js';
import { ListenFdsError } from './errors.js';
import { C, libc, syscallError } from './ffi.js';
import { encodeInet, encodeUnix, type SockaddrBytes } from './sockaddr.js';

/** Default listen(2) backlog: SOMAXCONN, which the kernel clamps to net.core.somaxconn. */
export const DEFAULT_BACKLOG = 4096;

/**
 * A bound (and, for stream and seqpacket, listening) socket for `address`, close-on-exec in this
 * process. TCP and UDP get SO_REUSEADDR; `host: null` binds `[::]` dual-stack, or `0.0.0.0` when
 * the kernel has no IPv6. A Unix path that exists is not removed: bind fails with EADDRINUSE.
 * @returns the descriptor; the caller owns it and must close it.
 * @throws ListenFdsError with the errno name of the failed call (`'EADDRINUSE'`, `'EACCES'`, …).
 */
export function openListenSocket(address: ListenAddress, backlog = DEFAULT_BACKLOG): number {
  if ('port' in address) {
    const type = address.transport === 'tcp' ? C.SOCK_STREAM : C.SOCK_DGRAM;
    if (address.host === null) {
      try {
        return open(C.AF_INET6, type, encodeInet(6, '::', address.port), backlog, address, false);
      } catch (error) {
        if (!(ListenFdsError.isInstance(error) && error.code === 'EAFNOSUPPORT')) throw error;
        return open(C.AF_INET, type, encodeInet(4, '0.0.0.0', address.port), backlog, address, false);
      }
    }
    const v6 = address.host.includes(':');
    return open(v6 ? C.AF_INET6 : C.AF_INET, type, encodeInet(v6 ? 6 : 4, address.host, address.port), backlog, address, v6);
  }
  const type = address.transport === 'unix' ? C.SOCK_STREAM : address.transport === 'unix-dgram' ? C.SOCK_DGRAM : C.SOCK_SEQPACKET;
  return open(C.AF_UNIX, type, encodeUnix(address.path, address.abstract), backlog, address, false);
}

function open(domain: number, type: number, sa: SockaddrBytes, backlog: number, address: ListenAddress, v6only: boolean): number {
  const f = libc();
  const what = `for ${describe(address)}`;
  const fd = f.socket(domain, type | C.SOCK_CLOEXEC, 0);
  if (fd < 0) throw syscallError('socket()', f.errno(), what);
  try {
    const one = Buffer.alloc(4);
    one.writeInt32LE(1);
    if (domain !== C.AF_UNIX && f.setsockopt(fd, C.SOL_SOCKET, C.SO_REUSEADDR, one, 4) < 0) {
      throw syscallError('setsockopt(SO_REUSEADDR)', f.errno(), what);
    }
    if (domain === C.AF_INET6) {
      // A specific IPv6 address is v6-only; [::] serves IPv4 too (mapped), as systemd's default.
      const flag = Buffer.alloc(4);
      flag.writeInt32LE(v6only ? 1 : 0);
      if (f.setsockopt(fd, C.IPPROTO_IPV6, C.IPV6_V6ONLY, flag, 4) < 0) throw syscallError('setsockopt(IPV6_V6ONLY)', f.errno(), what);
    }
    if (f.bind(fd, sa.bytes, sa.length) < 0) throw syscallError('bind()', f.errno(), what);
    if (type !== C.SOCK_DGRAM && f.listen(fd, backlog) < 0) throw syscallError('listen()', f.errno(), what);
    return fd;
  } catch (error) {
    f.close(fd);
    throw error;
  }
}

function describe(a: ListenAddress): string {
  return 'port' in a ? `${a.transport} ${a.host ?? '*'}:${a.port}` : `${a.transport} ${a.abstract ? '@' : ''}${a.path}`;
}

/** Close a descriptor this package opened; errors (already closed) are ignored on purpose. */
export function closeFd(fd: number): void {
  libc().close(fd);
}
