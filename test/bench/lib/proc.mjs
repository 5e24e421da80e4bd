// /proc readers the bench uses as ground truth and as the hand-written peers ("a /proc scan").
// Linux only. A process is alive when its /proc/PID/stat exists and its state is not Z or X:
// zombies answer kill(pid, 0) but are not members (PID 1 here reaps orphans only every ~2 s).
import { readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';

/** Parses /proc/PID/stat; fields are counted from the last ')' since comm may hold spaces. */
export function parseStat(text) {
  const close = text.lastIndexOf(')');
  if (close < 0) return undefined;
  const f = text.slice(close + 2).split(' ');
  return {
    pid: Number.parseInt(text, 10),
    state: f[0],
    ppid: Number(f[1]),
    pgid: Number(f[2]),
    sid: Number(f[3]),
    startTime: f[19],
  };
}

const isZombie = (state) => state === 'Z' || state === 'X' || state === 'x';

/** One stat read; undefined when the process is gone. */
export function statOf(pid) {
  try {
    return parseStat(readFileSync(`/proc/${pid}/stat`, 'latin1'));
  } catch {
    return undefined;
  }
}

/** Whether `pid` is alive (not a zombie) and, if given, still has `startTime` (not recycled). */
export function isAlive(pid, startTime) {
  const s = statOf(pid);
  return s !== undefined && !isZombie(s.state) && (startTime === undefined || s.startTime === startTime);
}

/** Every numeric entry of /proc. */
export function pidsOnHost() {
  return readdirSync('/proc').filter((n) => n.charCodeAt(0) >= 48 && n.charCodeAt(0) <= 57).map(Number);
}

/**
 * The hand-written peer for listing: every live process whose process group is `pgid`, from a
 * scan of /proc/*\/stat (what `ps -g` does). It cannot see members that called setsid().
 */
export async function scanPgid(pgid) {
  const names = (await readdir('/proc')).filter((n) => n.charCodeAt(0) >= 48 && n.charCodeAt(0) <= 57);
  const stats = await Promise.all(names.map((n) => readFile(`/proc/${n}/stat`, 'latin1').then(parseStat, () => undefined)));
  return stats.filter((s) => s !== undefined && s.pgid === pgid && !isZombie(s.state)).map((s) => s.pid);
}

/** Synchronous pgid scan (used in tight "until empty" loops, where awaiting per file costs more). */
export function scanPgidSync(pgid) {
  const out = [];
  for (const pid of pidsOnHost()) {
    const s = statOf(pid);
    if (s !== undefined && s.pgid === pgid && !isZombie(s.state)) out.push(pid);
  }
  return out;
}

/** The command line of `pid` as its argv array, or undefined when gone. */
export function argvOf(pid) {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
    return raw === '' ? [] : raw.replace(/\0$/, '').split('\0');
  } catch {
    return undefined;
  }
}

/**
 * Every live process whose command line carries `token` (a per-run random number the bench's
 * tree fixtures put in every argv they exec). This is how a run finds all it started, escapers
 * included, without trusting any of the methods it measures. Returns [{ pid, startTime, argv }].
 */
export function findByToken(token) {
  const out = [];
  for (const pid of pidsOnHost()) {
    if (pid === process.pid) continue;
    const argv = argvOf(pid);
    if (argv === undefined || !argv.some((a) => a.includes(token))) continue;
    const s = statOf(pid);
    if (s !== undefined && !isZombie(s.state)) out.push({ pid, startTime: s.startTime, argv });
  }
  return out;
}

/** Zombies whose parent is `ppid` (default: this process). */
export function zombieChildren(ppid = process.pid) {
  let n = 0;
  for (const pid of pidsOnHost()) {
    const s = statOf(pid);
    if (s !== undefined && s.ppid === ppid && isZombie(s.state)) n++;
  }
  return n;
}

/** Zombies on the whole host. */
export function zombiesOnHost() {
  let n = 0;
  for (const pid of pidsOnHost()) {
    const s = statOf(pid);
    if (s !== undefined && isZombie(s.state)) n++;
  }
  return n;
}
