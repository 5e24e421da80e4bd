import { readFile } from 'node:fs/promises';
import type { Member } from '../../backend.js';

/**
 * ppid and command line of each pid, read from /proc (proc(5)). A pid that is gone or a zombie
 * by the time it is read is not a member and is left out. The list of pids itself came from one
 * read of cgroup.procs; these per-pid reads are the expensive part (~13 µs each).
 */
export async function describeMembers(pids: readonly number[]): Promise<Member[]> {
  const described = await Promise.all(pids.map(describe));
  return described.filter((m): m is Member => m !== undefined);
}

async function describe(pid: number): Promise<Member | undefined> {
  let stat: string;
  let cmdline: string;
  try {
    [stat, cmdline] = await Promise.all([readFile(`/proc/${pid}/stat`, 'latin1'), readFile(`/proc/${pid}/cmdline`, 'utf8')]);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') return undefined;
    throw error;
  }
  const close = stat.lastIndexOf(')');
  const fields = stat.slice(close + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
  const comm = stat.slice(stat.indexOf('(') + 1, close);
  const command = cmdline === '' ? comm : cmdline.replace(/\0+$/, '').split('\0').join(' ');
  return { pid, ppid: Number(fields[1]), command };
}
