import { execFile } from 'node:child_process';
import { processTable as procfsTable } from '@pg/procfs';
import { promisify } from 'node:util';
import { psPath } from '../ps-path.js';

/** One process as the system table shows it. */
export interface ProcessEntry {
  readonly pid: number;
  readonly ppid: number;
  readonly pgid: number;
  /** Session id; undefined where `ps` cannot report it (macOS prints a pointer for `sess`). */
  readonly sid: number | undefined;
  /** Zombie (exited, awaiting reaping) or dead: not a member, whatever `kill(pid, 0)` says. */
  readonly zombie: boolean;
  /** Start time in clock ticks since boot (Linux), to tell a recycled pid from the original. */
  readonly startTime: string;
}

const execFileAsync = promisify(execFile);


/** Every process on the system: `/proc` on Linux (`@pg/procfs`), `ps` with an argument array elsewhere. */
export function processTable(): Promise<ProcessEntry[]> {
  return process.platform === 'linux' ? procfsTable() : psTable();
}

async function psTable(): Promise<ProcessEntry[]> {
  const hasSession = process.platform !== 'darwin' && process.platform !== 'freebsd' && process.platform !== 'openbsd';
  const columns = hasSession ? 'pid=,ppid=,pgid=,sid=,stat=,lstart=' : 'pid=,ppid=,pgid=,stat=,lstart=';
  const { stdout } = await execFileAsync(psPath(), ['-A', '-o', columns], { env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 64 << 20 });
  const entries: ProcessEntry[] = [];
  for (const line of stdout.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts.length < (hasSession ? 6 : 5)) continue;
    const [pid, ppid, pgid] = parts.map(Number);
    const sid = hasSession ? Number(parts[3]) : undefined;
    const stat = parts[hasSession ? 4 : 3] ?? '';
    if (pid === undefined || ppid === undefined || pgid === undefined || Number.isNaN(pid)) continue;
    entries.push({ pid, ppid, pgid, sid, zombie: stat.startsWith('Z'), startTime: parts.slice(hasSession ? 5 : 4).join(' ') });
  }
  return entries;
}

/**
 * The command line of a process from `ps` (argv joined by spaces), or `''` once it is gone. For
 * systems without /proc; on Linux members read theirs lazily (ProcMember).
 */
export async function commandOf(pid: number): Promise<string> {
  try {
    const { stdout } = await execFileAsync(psPath(), ['-o', 'args=', '-p', String(pid)], { env: { ...process.env, LC_ALL: 'C' } });
    return stdout.trim();
  } catch {
    return ''; // ps exits 1 when the pid is gone
  }
}
