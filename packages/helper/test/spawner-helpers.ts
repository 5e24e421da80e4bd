// What the spawner tests share: leaders they started, killed by pid and start time afterwards.
import { spawnLeader, type SpawnedLeader, type SpawnLeaderOptions } from '../src/index.js';
import { alive, descendants, helperPath, procStat, type Proc } from './helpers.js';

const started: { leader: SpawnedLeader; proc: Proc }[] = [];

/** spawnLeader with the binary under test, tracked for `killLeaders`. */
export async function leader(options: Omit<SpawnLeaderOptions, 'keep'> & { keep?: boolean }): Promise<SpawnedLeader> {
  const l = await spawnLeader({ keep: false, helperPath: helperPath(), ...options });
  started.push({ leader: l, proc: { pid: l.pid, start: procStat(l.pid)?.start ?? -1 } });
  return l;
}

/** SIGKILL what each tracked leader left (its tree, by identity), then the leader; wait for each exit. */
export async function killLeaders(): Promise<void> {
  for (const { leader: l, proc } of started.splice(0)) {
    if (alive(proc)) {
      for (const p of descendants(proc.pid)) if (alive(p)) process.kill(p.pid, 'SIGKILL');
      if (alive(proc)) process.kill(proc.pid, 'SIGKILL');
    }
    await l.exited;
    l.release();
    for (const s of l.stdio) s?.destroy();
  }
}

/** The fds open in process `pid` (numbers), from /proc/PID/fd. */
export async function openFds(pid: number | 'self'): Promise<number[]> {
  const { readdirSync } = await import('node:fs');
  return readdirSync(`/proc/${pid}/fd`).map(Number).sort((a, b) => a - b);
}
