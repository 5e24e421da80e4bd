import { inspect } from 'node:util';
import type { Member } from '../backend.js';
import { commandLineOf, readStat } from '@pg/procfs';

/**
 * A member whose details are read from `/proc` (proc(5)) on first access, not when the list is
 * made: listing 1000 members is one read of `cgroup.procs`, while reading `/proc/PID/stat` and
 * `/proc/PID/cmdline` for each costs ~0.14 ms a member (DESIGN.md: "per-member details are read
 * lazily"). A member that has exited before its details are read shows `ppid` 0 and
 * `command` `''`. `JSON.stringify` and `util.inspect` show all three fields.
 */
export class ProcMember implements Member {
  readonly pid: number;
  #ppid: number | undefined;
  #command: string | undefined;

  constructor(pid: number, ppid?: number) {
    this.pid = pid;
    this.#ppid = ppid;
  }

  /** The parent pid, read from `/proc/PID/stat` on first access. */
  get ppid(): number {
    if (this.#ppid === undefined) {
      this.#ppid = readStat(this.pid)?.ppid ?? 0;
    }
    return this.#ppid;
  }

  /** The command line (argv joined by spaces), or the short name for a kernel thread or an empty argv. */
  get command(): string {
    this.#command ??= commandLineOf(this.pid);
    return this.#command;
  }

  toJSON(): { pid: number; ppid: number; command: string } {
    return { pid: this.pid, ppid: this.ppid, command: this.command };
  }

  [inspect.custom](): { pid: number; ppid: number; command: string } {
    return this.toJSON();
  }
}
