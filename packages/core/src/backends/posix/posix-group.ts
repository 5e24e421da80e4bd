import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BackendGroup, GroupStats, Member } from '../../backend.js';
import { GroupGoneError, PermissionError } from '../../errors/index.js';
import { ProcMember } from '../proc-member.js';
import { commandOf, processTable, type ProcessEntry } from './proc-table.js';

/** A signal pass that keeps finding new members this many times is a fork bomb: give up loudly. */
const MAX_SIGNAL_PASSES = 100;

/**
 * A POSIX group: the session (and process group) whose id is the leader's pid. The leader was
 * spawned detached, so `setsid()` made it the leader of both. Members are the live processes
 * whose session or process group is that id. A member that calls `setsid()` itself leaves both
 * and is lost to the group; that is this backend's stated limit.
 */
export class PosixGroup implements BackendGroup {
  readonly id: string;
  readonly child: ChildProcess | undefined;
  readonly #sid: number;

  constructor(sid: number, child: ChildProcess | undefined) {
    this.#sid = sid;
    this.id = String(sid);
    this.child = child;
  }

  /** Live, non-zombie processes of the session or process group. */
  async entries(): Promise<ProcessEntry[]> {
    const table = await processTable();
    return table.filter((p) => !p.zombie && (p.sid === this.#sid || p.pgid === this.#sid));
  }

  async members(): Promise<Member[]> {
    const entries = await this.entries();
    // On Linux the command is read lazily from /proc; elsewhere `ps` is asked for each now.
    if (process.platform === 'linux') return entries.map((p) => new ProcMember(p.pid, p.ppid));
    return Promise.all(entries.map(async (p) => ({ pid: p.pid, ppid: p.ppid, command: await commandOf(p.pid) })));
  }

  /**
   * `kill(-pgid)` reaches the process group in one call; members that moved to another process
   * group inside the session (`setpgid`) are signalled one by one. Passes repeat until one finds
   * no member it has not signalled yet (a member is its pid plus start time, so a recycled pid
   * counts as new). Between the scan and the kill a pid can be recycled: the stated limit.
   */
  async signal(signal: number): Promise<void> {
    const done = new Set<string>();
    for (let pass = 0; pass < MAX_SIGNAL_PASSES; pass++) {
      const fresh = (await this.entries()).filter((p) => !done.has(`${p.pid}@${p.startTime}`));
      if (fresh.length === 0) return;
      let denied: unknown;
      if (fresh.some((p) => p.pgid === this.#sid)) denied = send(-this.#sid, signal);
      for (const p of fresh) {
        if (p.pgid !== this.#sid) denied ??= send(p.pid, signal);
        done.add(`${p.pid}@${p.startTime}`);
      }
      if (denied !== undefined) {
        throw new PermissionError(`not allowed to signal members of group ${this.id}`, { cause: denied });
      }
    }
    throw new PermissionError(`group ${this.id} kept forking new members through ${MAX_SIGNAL_PASSES} signal passes`);
  }

  kill(): Promise<void> {
    return this.signal(9);
  }

  /** No kernel event exists for "session empty": scan, backing off from 2 ms to 50 ms. */
  async watchEmpty(abort: AbortSignal): Promise<void> {
    for (let wait = 2; !abort.aborted; wait = Math.min(wait * 2, 50)) {
      if ((await this.entries()).length === 0) return;
      await sleep(wait, undefined, { signal: abort }).catch(() => undefined);
    }
  }

  async stats(): Promise<GroupStats> {
    return { pids: (await this.entries()).length };
  }

  async close(): Promise<void> {
    // Nothing was created: a session disappears with its last member.
  }

  /** Throws `GroupGoneError` when no live process belongs to the group. */
  async assertExists(): Promise<void> {
    if ((await this.entries()).length === 0) throw new GroupGoneError(this.id);
  }
}

/** `process.kill` that ignores ESRCH (already gone) and returns EPERM for the caller to raise. */
function send(pid: number, signal: number): unknown {
  try {
    process.kill(pid, signal);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return undefined;
    if (code === 'EPERM') return error;
    throw error;
  }
  return undefined;
}
