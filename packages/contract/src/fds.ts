import { closeSync, constants, openSync } from 'node:fs';

/**
 * Opens a ctfs file synchronously, on the calling (main) thread. That matters for `latest`, which
 * answers for the opening LWP only (`ctfs_latest.c`): async `fs.open` runs on a threadpool thread
 * and would see that thread's (empty) history. Errors are Node system errors (`code: 'ESRCH'`).
 */
export function openCtfs(path: string, flags: 'r' | 'w' | 'rw', nonblock = false): number {
  const mode = flags === 'r' ? constants.O_RDONLY : flags === 'w' ? constants.O_WRONLY : constants.O_RDWR;
  return openSync(path, mode | (nonblock ? constants.O_NONBLOCK : 0));
}

/** Runs `use(fd)` and closes the fd whatever happens. */
export function withFd<T>(fd: number, use: (fd: number) => T): T {
  try {
    return use(fd);
  } finally {
    closeSync(fd);
  }
}

/** The `code` of a Node system error, if `error` is one. */
export function systemCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
