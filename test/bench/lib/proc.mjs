// /proc readers the bench uses as ground truth and as the hand-written peers ("a /proc scan"),
// all on @pg/procfs's one parser of /proc/PID/stat. Linux only. A process is alive when its
// /proc/PID/stat exists and it is not a zombie: zombies answer kill(pid, 0) but are not members
// (PID 1 here reaps orphans only every ~2 s).
import { readdirSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { childrenOf, commandLineOf, parseStat, readStat } from '@pg/procfs';

/** One stat read ({ pid, comm, state, ppid, pgid, sid, startTime, zombie }); undefined when the process is gone. */
export const statOf = readStat;

/** Whether `pid` is alive (not a zombie) and, if given, still has `startTime` (not recycled). */
export function isAlive(pid, startTime) {
  const s = readStat(pid);
  return s !== undefined && !s.zombie && (startTime === undefined || s.startTime === startTime);
}

const isPidName = (n) => n.charCodeAt(0) >= 48 && n.charCodeAt(0) <= 57;

/** Every numeric entry of /proc. */
function pidsOnHost() {
  return readdirSync('/proc').filter(isPidName).map(Number);
}

/**
 * The hand-written peer for listing: every live process whose process group is `pgid`, from one
 * pass over /proc/*\/stat with every read at once (what `ps -g` does). It cannot see members
 * that called setsid(). Deliberately not processTable(): this is the naive scan being measured.
 */
export async function scanPgid(pgid) {
  const names = (await readdir('/proc')).filter(isPidName);
  const stats = await Promise.all(names.map((n) => readFile(`/proc/${n}/stat`, 'utf8').then(parseStat, () => undefined)));
  return stats.filter((s) => s !== undefined && s.pgid === pgid && !s.zombie).map((s) => s.pid);
}

/** Synchronous pgid scan (used in tight "until empty" loops, where awaiting per file costs more). */
export function scanPgidSync(pgid) {
  const out = [];
  for (const pid of pidsOnHost()) {
    const s = readStat(pid);
    if (s !== undefined && s.pgid === pgid && !s.zombie) out.push(pid);
  }
  return out;
}

/**
 * Every live process whose command line carries `token` (a per-run random number the bench's
 * tree fixtures put in every argv they exec). This is how a run finds all it started, escapers
 * included, without trusting any of the methods it measures. Returns [{ pid, startTime, command }]
 * (command: argv joined by spaces).
 */
export function findByToken(token) {
  const out = [];
  for (const pid of pidsOnHost()) {
    if (pid === process.pid) continue;
    const command = commandLineOf(pid);
    if (!command.includes(token)) continue;
    const s = readStat(pid);
    if (s !== undefined && !s.zombie) out.push({ pid, startTime: s.startTime, command, comm: s.comm });
  }
  return out;
}

/** Zombies whose parent is `ppid` (default: this process). */
export function zombieChildren(ppid = process.pid) {
  return childrenOf(ppid).filter((pid) => readStat(pid)?.zombie === true).length;
}
