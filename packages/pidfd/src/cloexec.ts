import { syscallError } from './errors.js';
import { checkFd } from './fd-check.js';
import { libc } from './ffi.js';

const F_GETFD = 1;
const F_SETFD = 2;
const FD_CLOEXEC = 1;

/**
 * Set (default) or clear close-on-exec on `fd` with `fcntl(F_SETFD)`. Clearing it is how an fd is
 * made to survive into a spawned program; libuv's spawn already dup2()s the `stdio` entries.
 * @throws PidfdError `'EBADF'` when `fd` is not open.
 */
export function setCloexec(fd: number, on = true): void {
  checkFd(fd);
  const f = libc();
  const flags = f.fcntl(fd, F_GETFD, 0);
  if (flags < 0) throw syscallError('fcntl', f.errno(), `F_GETFD on fd ${fd}`);
  const next = on ? flags | FD_CLOEXEC : flags & ~FD_CLOEXEC;
  if (next !== flags && f.fcntl(fd, F_SETFD, next) < 0) throw syscallError('fcntl', f.errno(), `F_SETFD on fd ${fd}`);
}

/** Whether `fd` has close-on-exec set. @throws PidfdError `'EBADF'`. */
export function isCloexec(fd: number): boolean {
  checkFd(fd);
  const f = libc();
  const flags = f.fcntl(fd, F_GETFD, 0);
  if (flags < 0) throw syscallError('fcntl', f.errno(), `F_GETFD on fd ${fd}`);
  return (flags & FD_CLOEXEC) !== 0;
}
