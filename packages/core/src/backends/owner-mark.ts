import { readStat } from '@pg/procfs';

let own: string | undefined;

/**
 * This process as a group's owner: `PID:START`, its pid plus its start time (clock ticks since
 * boot, /proc/self/stat), so that a later process given the same pid is never taken for it.
 * `PID:` where there is no /proc. Read once: neither ever changes.
 */
export async function ownerMark(): Promise<string> {
  own ??= `${process.pid}:${process.platform === 'linux' ? (readStat('self')?.startTime ?? '') : ''}`;
  return own;
}

/** Whether the owner `PID:START` still runs (a recycled pid, a zombie or no process: gone). */
export function ownerAlive(pid: number, startTime: string): boolean {
  const stat = readStat(pid);
  return stat !== undefined && !stat.zombie && stat.startTime === startTime;
}
