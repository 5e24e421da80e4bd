import { readdirSync } from 'node:fs';
import { readStat } from './stat.js';

/**
 * Who a process is, for the whole boot: its pid plus a token that no later process with the same
 * pid has. The one identity pg gives an owner (the process that created a group), in every
 * backend: cgroup directory names, pg-helper's `--owner`, the posix environment marker.
 *
 * The token is `i<pidfd id>` where pidfs exists (Linux 6.9: the 64-bit pidfs inode of the
 * process, unique for the boot, the same in every pid namespace, unchanged across execve), else
 * `t<start time>` (field 22 of /proc/PID/stat, clock ticks since boot; with the pid it names one
 * process, within one pid namespace). Printed as `PID.TOKEN`, e.g. `4242.i3596` or `4242.t88123`.
 */
export interface ProcessIdentity {
  readonly pid: number;
  /** `i<pidfd id>` or `t<start time in clock ticks>`. */
  readonly token: string;
}

/**
 * How to find a live process's pidfd id (open a pidfd, read its id): `@pg/pidfd`'s
 * `pidfdIdLookup`. This package has no FFI, so the caller hands it in; without one, identities
 * use start times. Answers the id, `'gone'` (no such process), or `'unknown'` (pidfds or pidfs
 * do not work in this process).
 */
export type PidfdIdLookup = (pid: number) => bigint | 'gone' | 'unknown';

const TEXT = /^([1-9][0-9]*)\.([it][0-9]+)$/;

/** `PID.TOKEN`. */
export function formatIdentity(identity: ProcessIdentity): string {
  return `${identity.pid}.${identity.token}`;
}

/** The identity printed by `formatIdentity`, or undefined for anything else. */
export function parseIdentity(text: string): ProcessIdentity | undefined {
  const m = TEXT.exec(text);
  if (m === null || !Number.isSafeInteger(Number(m[1]))) return undefined;
  return { pid: Number(m[1]), token: m[2] as string };
}

/** Whether `token` has the shape of an identity token (`i<digits>` or `t<digits>`). */
export function isIdentityToken(token: string): boolean {
  return /^[it][0-9]+$/.test(token);
}

/**
 * The identity of live process `pid` now: by pidfd id where `lookup` gives one, else by start
 * time. Undefined when there is no such live process. Linux only.
 */
export function identityOf(pid: number, lookup?: PidfdIdLookup): ProcessIdentity | undefined {
  const id = lookup?.(pid);
  if (id === 'gone') return undefined;
  if (typeof id === 'bigint') return { pid, token: `i${id}` };
  const stat = readStat(pid);
  return stat === undefined || stat.zombie ? undefined : { pid, token: `t${stat.startTime}` };
}

/**
 * Whether the process `identity` names still runs: the pid is alive (not a zombie: it has exited,
 * only its parent has not reaped it) and is that same process, not a later one with its pid.
 *
 * An `i…` identity is checked with `lookup`. Where this process cannot read pidfd ids (no
 * `lookup`, or it answers `'unknown'`), a live pid is taken for the owner: a live group is never
 * reported as orphaned. The pid in an identity is the owner's pid in its own pid namespace: a
 * supervisor in a container that shares this cgroup tree (say `pg init` as PID 1) wrote a pid
 * that means another process here. Its pidfd id is the same in every namespace, so when the pid
 * does not match, every process is looked at for that id before the owner is declared gone.
 */
export function isAlive(identity: ProcessIdentity, lookup?: PidfdIdLookup): boolean {
  const live = (pid: number) => readStat(pid)?.zombie === false;
  if (identity.token.startsWith('t')) {
    const stat = readStat(identity.pid);
    return stat !== undefined && !stat.zombie && `t${stat.startTime}` === identity.token;
  }
  const direct = lookup?.(identity.pid) ?? 'unknown';
  if (direct === 'unknown') return live(identity.pid);
  if (typeof direct === 'bigint' && `i${direct}` === identity.token && live(identity.pid)) return true;
  for (const name of readdirSync('/proc')) {
    if (!/^[1-9][0-9]*$/.test(name) || Number(name) === identity.pid) continue;
    const id = lookup?.(Number(name));
    if (typeof id === 'bigint' && `i${id}` === identity.token && live(Number(name))) return true;
  }
  return false;
}
