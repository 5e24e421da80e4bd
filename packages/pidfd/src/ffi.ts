// koffi declarations for the system calls @pg/pidfd uses. Declarations only: no policy, no
// decisions; errno is read by the callers (through `errno()`) right after each call, because any
// later Node API call (even fs.statSync) resets it.
import { createRequire } from 'node:module';
import { PidfdError } from './errors.js';

type Koffi = typeof import('koffi');

/**
 * Syscall numbers per architecture (docs/linux.md#syscall-numbers). glibc before 2.36 exports no wrapper for
 * pidfd_open/pidfd_send_signal/pidfd_getfd, so they go through `syscall(2)`.
 */
const SYSCALLS: Record<string, { pidfd_send_signal: number; pidfd_open: number; pidfd_getfd: number }> = {
  x64: { pidfd_send_signal: 424, pidfd_open: 434, pidfd_getfd: 438 },
  arm64: { pidfd_send_signal: 424, pidfd_open: 434, pidfd_getfd: 438 },
};

/** The bound libc functions. Every one returns -1 (or a negative value) and sets errno on failure. */
export interface Libc {
  /** The syscall numbers of this architecture, undefined where unknown (→ ENOSYS for callers). */
  readonly nr: { pidfd_send_signal: number; pidfd_open: number; pidfd_getfd: number } | undefined;
  pidfd_open(nr: number, pid: number, flags: number): number;
  pidfd_send_signal(nr: number, pidfd: number, sig: number, info: null, flags: number): number;
  pidfd_getfd(nr: number, pidfd: number, targetfd: number, flags: number): number;
  /** ioctl(fd, request, buf): fixed prototype; the variadic slot holds a pointer on every ABI we run on. */
  ioctl(fd: number, request: number, buf: Buffer): number;
  name_to_handle_at(dirfd: number, path: string, handle: Buffer, mountId: Buffer, flags: number): number;
  fstatfs(fd: number, buf: Buffer): number;
  prctl(option: number, arg2: number, arg3: number, arg4: number, arg5: number): number;
  prctl_ptr(option: number, arg2: Buffer, arg3: number, arg4: number, arg5: number): number;
  fcntl(fd: number, cmd: number, arg: number): number;
  waitpid(pid: number, status: Buffer, options: number): number;
  close(fd: number): number;
  /** errno of the last call on this thread. */
  errno(): number;
  /** koffi's poll watcher (uv_poll) on an fd: readiness without a thread. */
  poll(fd: number, onReadable: (status: number) => void): { close(): void; unref(): void; ref(): void };
}

let loaded: Libc | PidfdError | undefined;

/**
 * Load koffi and libc on first use (never at import: importing @pg/pidfd on macOS or with a
 * broken koffi must not crash). A failure is remembered and thrown as PidfdError code 'EFFI'.
 * Main thread only: koffi in worker threads can hang at exit (koffi #274).
 */
export function libc(): Libc {
  if (loaded === undefined) loaded = load();
  if (loaded instanceof PidfdError) throw loaded;
  return loaded;
}

function load(): Libc | PidfdError {
  if (process.platform !== 'linux') {
    return new PidfdError(`pidfds exist only on Linux, not on ${process.platform}`, 'EUNSUPPORTED');
  }
  let koffi: Koffi;
  let lib: ReturnType<Koffi['load']>;
  try {
    koffi = createRequire(import.meta.url)('koffi') as Koffi;
    lib = koffi.load('libc.so.6');
  } catch (cause) {
    return new PidfdError(`koffi could not load libc: ${(cause as Error).message}`, 'EFFI', undefined, { cause });
  }
  const sc3 = lib.func('syscall', 'long', ['long', 'int', 'uint']);
  const sc4 = lib.func('syscall', 'long', ['long', 'int', 'int', 'uint']);
  const sc5 = lib.func('syscall', 'long', ['long', 'int', 'int', 'void *', 'uint']);
  const ioctl = lib.func('ioctl', 'int', ['int', 'ulong', 'void *']);
  const nth = lib.func('name_to_handle_at', 'int', ['int', 'str', 'void *', 'void *', 'int']);
  const fstatfs = lib.func('fstatfs', 'int', ['int', 'void *']);
  const prctl = lib.func('prctl', 'int', ['int', 'ulong', 'ulong', 'ulong', 'ulong']);
  const prctlPtr = lib.func('prctl', 'int', ['int', 'void *', 'ulong', 'ulong', 'ulong']);
  const fcntl = lib.func('fcntl', 'int', ['int', 'int', 'int']);
  const waitpid = lib.func('waitpid', 'int', ['int', 'void *', 'int']);
  const close = lib.func('close', 'int', ['int']);
  return {
    nr: SYSCALLS[process.arch],
    pidfd_open: (nr, pid, flags) => Number(sc3(nr, pid, flags)),
    pidfd_send_signal: (nr, pidfd, sig, info, flags) => Number(sc5(nr, pidfd, sig, info, flags)),
    pidfd_getfd: (nr, pidfd, targetfd, flags) => Number(sc4(nr, pidfd, targetfd, flags)),
    ioctl: (fd, request, buf) => ioctl(fd, request, buf) as number,
    name_to_handle_at: (dirfd, path, handle, mountId, flags) => nth(dirfd, path, handle, mountId, flags) as number,
    fstatfs: (fd, buf) => fstatfs(fd, buf) as number,
    prctl: (o, a2, a3, a4, a5) => prctl(o, a2, a3, a4, a5) as number,
    prctl_ptr: (o, a2, a3, a4, a5) => prctlPtr(o, a2, a3, a4, a5) as number,
    fcntl: (fd, cmd, arg) => fcntl(fd, cmd, arg) as number,
    waitpid: (pid, status, options) => waitpid(pid, status, options) as number,
    close: (fd) => close(fd) as number,
    errno: () => koffi.errno(),
    // koffi.node.poll is undocumented; its callback receives (status, events) where status is a
    // libuv status (0 or a negative errno), measured on koffi 3.3.4 (docs/linux.md#koffi).
    poll: (fd, onReadable) => {
      const handle = (koffi.node.poll as unknown as (
        fd: number,
        opts: { readable: boolean },
        cb: (status: number) => void,
      ) => { close(): void; unref(): void; ref(): void })(fd, { readable: true }, (status) => onReadable(status));
      return handle;
    },
  };
}
