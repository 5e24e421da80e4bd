import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

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

/** How many `/proc/PID/stat` files are read at once. */
const READ_BATCH = 64;

/** A process that exited between the listing and the read is simply not there. */
function ignoreGone(error: unknown): undefined {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ESRCH') return undefined;
  throw error;
}

/** Every process on the system: `/proc` on Linux, `ps` with an argument array elsewhere. */
export function processTable(): Promise<ProcessEntry[]> {
  return process.platform === 'linux' ? procTable() : psTable();
}

/**
 * `/proc` is not a snapshot: a member can fork and then exit between the directory listing and
 * the read of its `stat`, so one pass would miss its child and call a live session empty. The
 * listing is therefore repeated until it shows no pid that was not read: any process forked
 * before the last listing is in it, and one forked after it has a parent whose `stat` was read
 * alive (a session can be left but never joined, so no unread process can become a member).
 */
async function procTable(): Promise<ProcessEntry[]> {
  const seen = new Set<string>();
  const entries: ProcessEntry[] = [];
  for (;;) {
    const fresh = (await readdir('/proc')).filter((n) => /^\d+$/.test(n) && !seen.has(n));
    if (fresh.length === 0) return entries;
    for (const n of fresh) seen.add(n);
    // In batches: one read per process at once would need as many fds as there are processes.
    for (let i = 0; i < fresh.length; i += READ_BATCH) {
      const batch = fresh.slice(i, i + READ_BATCH);
      const read = await Promise.all(batch.map((n) => readFile(`/proc/${n}/stat`, 'latin1').then(parseStat, ignoreGone)));
      for (const entry of read) if (entry !== undefined) entries.push(entry);
    }
  }
}

/**
 * `/proc/PID/stat` (proc(5)): `pid (comm) state ppid pgrp session … starttime(22) …`. `comm` may
 * hold spaces and parentheses, so fields are counted from the last `)`.
 */
export function parseStat(text: string): ProcessEntry | undefined {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const fields = text.slice(close + 2).split(' ');
  const [state, ppid, pgrp, session] = fields;
  const startTime = fields[19];
  if (state === undefined || startTime === undefined) return undefined;
  return {
    pid: Number.parseInt(text, 10),
    ppid: Number(ppid),
    pgid: Number(pgrp),
    sid: Number(session),
    zombie: state === 'Z' || state === 'X' || state === 'x',
    startTime,
  };
}

async function psTable(): Promise<ProcessEntry[]> {
  const hasSession = process.platform !== 'darwin' && process.platform !== 'freebsd' && process.platform !== 'openbsd';
  const columns = hasSession ? 'pid=,ppid=,pgid=,sid=,stat=,lstart=' : 'pid=,ppid=,pgid=,stat=,lstart=';
  const { stdout } = await execFileAsync('ps', ['-A', '-o', columns], { env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 64 << 20 });
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
    const { stdout } = await execFileAsync('ps', ['-o', 'args=', '-p', String(pid)], { env: { ...process.env, LC_ALL: 'C' } });
    return stdout.trim();
  } catch {
    return ''; // ps exits 1 when the pid is gone
  }
}
