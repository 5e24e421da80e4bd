import { F_GETFD, F_SETFD, FD_CLOEXEC, O } from './constants.js';
import { callError } from './errors.js';
import type { Libcontract } from './ffi.js';

/** How a ctfs file is opened: the one access mode each file accepts (contract(5)). */
export type CtfsAccess = 'r' | 'w' | 'rw';

const ACCESS: Readonly<Record<CtfsAccess, number>> = { r: O.RDONLY, w: O.WRONLY, rw: O.RDWR };

/**
 * Opens a ctfs file through libc `open`, synchronously, on the calling (main) thread, and marks
 * the fd close-on-exec afterwards, as ctrun's `close_on_exec` and libcontract's `contract_open`
 * do. Why not `fs.openSync`: libuv adds O_CLOEXEC to every open, and ctfs compares the flags an
 * open arrives with exactly (`ctfs_tmpl_open`: FREAD|FWRITE|FOFFMAX, `ctfs_ctl_open`:
 * FWRITE|FOFFMAX, `ctfs_latest_open`: FREAD|FOFFMAX, `ctfs_endpoint_open`: FREAD|FOFFMAX plus
 * FNONBLOCK), answering anything else with EINVAL. FOFFMAX needs no flag here: a 64-bit process
 * gets it on every open (`OPENMODE64` in `syscall/open.c`). Synchronous on purpose: `latest`
 * answers for the opening LWP only (`ctfs_latest.c`), and async opens run on threadpool threads.
 *
 * Throws ContractError with the errno's name (`'ENOENT'`, `'ESRCH'`, `'EACCES'`, `'EINVAL'`) and
 * `call` `'open'`; the fd is closed again if `fcntl` fails.
 */
export function openCtfs(lib: Libcontract, path: string, access: CtfsAccess, nonblock = false): number {
  const fd = lib.open(path, ACCESS[access] | (nonblock ? O.NONBLOCK : 0));
  if (fd < 0) throw callError('open', -fd, path);
  const flags = lib.fcntl(fd, F_GETFD, 0);
  const set = flags < 0 ? flags : lib.fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
  if (set < 0) {
    lib.close(fd);
    throw callError('fcntl', -set, `FD_CLOEXEC on ${path}`);
  }
  return fd;
}

/** Closes a ctfs fd. A failure (EBADF: closed twice) is a bug in this package, so it throws. */
export function closeCtfs(lib: Libcontract, fd: number): void {
  const result = lib.close(fd);
  if (result < 0) throw callError('close', -result, `fd ${fd}`);
}

/** Runs `use(fd)` and closes the fd whatever happens. */
export function withFd<T>(lib: Libcontract, fd: number, use: (fd: number) => T): T {
  try {
    return use(fd);
  } finally {
    closeCtfs(lib, fd);
  }
}
