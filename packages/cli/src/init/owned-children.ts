import { ChildProcess } from 'node:child_process';

const owned = new Set<number>();
let installed = false;

/**
 * Records the pid of every child this process starts through `node:child_process`, from the
 * moment `spawn` returns until its `exit` event. Those children belong to libuv: it reaps each
 * with `waitpid(pid, WNOHANG)` when SIGCHLD arrives, and if anyone else reaps one first its
 * `exit` event never comes and whoever awaits it hangs for good (docs/linux.md#subreaper). An init that reaps orphans must skip them, including children that library
 * code (a backend's helper) starts, which is why this wraps the one method every
 * `child_process` API goes through (`ChildProcess.prototype.spawn`) rather than trusting a list.
 * Synchronous spawns (`spawnSync`, `execFileSync`) reap before they return and need no entry.
 */
export function trackOwnedChildren(): void {
  if (installed) return;
  installed = true;
  const proto = ChildProcess.prototype as unknown as { spawn: (this: ChildProcess, ...args: unknown[]) => unknown };
  const original = proto.spawn;
  proto.spawn = function spawn(this: ChildProcess, ...args: unknown[]) {
    const result = original.apply(this, args);
    const pid = this.pid;
    if (pid !== undefined) {
      owned.add(pid);
      // After `exit` libuv has reaped it: the pid may now belong to an adopted orphan.
      this.once('exit', () => owned.delete(pid));
    }
    return result;
  };
}

/** Marks `pid` as owned by `child_process` (the leader, before tracking was installed). */
export function markOwned(pid: number): void {
  owned.add(pid);
}

/** Whether `pid` is a child that `child_process` started and has not yet seen exit. */
export function isOwnedChild(pid: number): boolean {
  return owned.has(pid);
}
