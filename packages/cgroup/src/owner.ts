import { readdirSync } from 'node:fs';
import { PidfdError, ownPidfdId, pidfdOpen } from '@pg/pidfd';
import { readStat, startTimeOf } from '@pg/procfs';
import type { Owner } from './names.js';

let own: Owner | undefined;

/**
 * The owner marker of this process: its pid plus its pidfd id (`i…`, Linux 6.9+) or, where the
 * kernel or koffi cannot give one, its start time (`t…`). Cached per pid.
 */
export function ownOwner(): Owner {
  if (own?.pid === process.pid) return own;
  let token: string;
  try {
    token = `i${ownPidfdId()}`;
  } catch (error) {
    if (!PidfdError.isInstance(error)) throw error;
    token = `t${startTimeOf('self') ?? '0'}`;
  }
  own = { pid: process.pid, token };
  return own;
}

/**
 * Whether the process that `owner` describes still runs. A pid now used by a different process
 * (different pidfd id or start time) counts as gone. When the token cannot be checked here (an
 * `i…` token but no pidfds in this process) a live pid is assumed to be the owner: a live group
 * is never reported as orphaned.
 *
 * The pid in a name is the owner's pid in its own pid namespace: a supervisor in a container
 * that shares this cgroup tree (say `pg init` as PID 1) wrote a pid that means another process
 * here. Its pidfd id is the same in every namespace, so when the pid does not match, every
 * process is looked at for that id before the owner is declared gone.
 */
export function ownerAlive(owner: Owner): boolean {
  if (owner.token.startsWith('t')) {
    const start = startTimeOf(owner.pid);
    return start !== undefined && `t${start}` === owner.token;
  }
  const direct = hasPidfdId(owner.pid, owner.token);
  if (direct !== false) return true; // a match, or no way to tell (assume alive)
  return anyProcessHasPidfdId(owner.token);
}

/** Whether `pid` is a live process whose pidfd id is `token` (`i<id>`); undefined when pidfds do not work here. */
function hasPidfdId(pid: number, token: string): boolean | undefined {
  let pidfd;
  try {
    pidfd = pidfdOpen(pid);
  } catch (error) {
    if (PidfdError.isInstance(error) && error.code === 'ESRCH') return false;
    if (PidfdError.isInstance(error)) return startTimeOf(pid) !== undefined ? undefined : false;
    throw error;
  }
  try {
    // A zombie owner has exited; only its parent has not reaped it yet.
    return `i${pidfd.id()}` === token && readStat(pid)?.zombie === false;
  } catch (error) {
    if (PidfdError.isInstance(error)) return undefined;
    throw error;
  } finally {
    pidfd.close();
  }
}

function anyProcessHasPidfdId(token: string): boolean {
  for (const name of readdirSync('/proc')) {
    if (!/^[1-9][0-9]*$/.test(name)) continue;
    if (hasPidfdId(Number(name), token) === true) return true;
  }
  return false;
}
