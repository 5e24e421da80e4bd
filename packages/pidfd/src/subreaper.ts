import { constants } from 'node:os';
import { syscallError } from './errors.js';
import { checkPid } from './fd-check.js';
import { libc } from './ffi.js';
import { decodeWaitStatus, type ExitStatus } from './signals.js';

const PR_SET_CHILD_SUBREAPER = 36;
const PR_GET_CHILD_SUBREAPER = 37;
const WNOHANG = 1;

/**
 * Make this process a child subreaper (`prctl(PR_SET_CHILD_SUBREAPER)`): orphaned descendants
 * reparent to it instead of init. It must then reap them (see `reapNoHang`), or they stay
 * zombies: libuv reaps only the pids `child_process` spawned. Process-wide; works unprivileged.
 */
export function setChildSubreaper(on: boolean): void {
  if (typeof on !== 'boolean') throw new TypeError(`Invalid option \`on\`: got ${String(on)}, expected a boolean.`);
  const f = libc();
  if (f.prctl(PR_SET_CHILD_SUBREAPER, on ? 1 : 0, 0, 0, 0) !== 0) throw syscallError('prctl', f.errno(), 'PR_SET_CHILD_SUBREAPER');
}

/** Whether this process is a child subreaper (`prctl(PR_GET_CHILD_SUBREAPER)`). */
export function isChildSubreaper(): boolean {
  const f = libc();
  const out = Buffer.alloc(4);
  if (f.prctl_ptr(PR_GET_CHILD_SUBREAPER, out, 0, 0, 0) !== 0) throw syscallError('prctl', f.errno(), 'PR_GET_CHILD_SUBREAPER');
  return out.readInt32LE(0) !== 0;
}

/**
 * `waitpid(pid, WNOHANG)`: reap `pid` if it has ended. Returns null while it still runs.
 * For subreapers and inits reaping adopted orphans. Never call it for a pid that `child_process`
 * spawned: libuv reaps those itself, and reaping one first loses its `exit` event for good.
 * @throws PidfdError `'ECHILD'` when `pid` is not a child of this process.
 */
export function reapNoHang(pid: number): ({ pid: number } & ExitStatus) | null {
  checkPid(pid);
  const f = libc();
  const status = Buffer.alloc(4);
  for (;;) {
    const r = f.waitpid(pid, status, WNOHANG);
    if (r > 0) return { pid: r, ...decodeWaitStatus(status.readInt32LE(0)) };
    if (r === 0) return null;
    const errno = f.errno();
    if (errno === constants.errno.EINTR) continue;
    throw syscallError('waitpid', errno, `pid ${pid}`);
  }
}
