import { readKernelFile } from './read.js';
import { assertLinux, isGone, pidSegment } from './linux.js';

/** The fields of `/proc/PID/stat` (proc(5)) that pg uses. */
export interface ProcStat {
  /** Field 1: the process id, in the pid namespace of the /proc mount. */
  readonly pid: number;
  /** Field 2 without its parentheses: the command name (at most 15 bytes; any bytes, `)` and spaces included). */
  readonly comm: string;
  /** Field 3: one letter, `R` running, `S` sleeping, `D` disk sleep, `T` stopped, `t` traced, `Z` zombie, `X`/`x` dead… */
  readonly state: string;
  /** Field 4: the parent's pid (0 for PID 1, for kthreadd and for a dead task). */
  readonly ppid: number;
  /** Field 5: the process group id (-1 once the task is dead, state `X`). */
  readonly pgid: number;
  /** Field 6: the session id (-1 once the task is dead, state `X`). */
  readonly sid: number;
  /**
   * Field 22 (`starttime`): when the process started, in clock ticks since boot. Kept as the
   * decimal text: with the pid it identifies a process for the boot (a recycled pid has another).
   */
  readonly startTime: string;
  /** Field 20: the number of threads (live ones; a process whose first thread has exited shows `Z` with others still running). */
  readonly threads: number;
  /** Whether the state is `Z` (zombie: exited, not reaped), `X` or `x` (dead): not a live process, whatever `kill(pid, 0)` says. */
  readonly zombie: boolean;
}

const DIGITS = /^\d+$/;
// A dead task (state X) shows ppid 0 and pgrp and session -1: ids are signed integers.
const INTEGER = /^-?\d+$/;

/**
 * Parse the text of a `/proc/PID/stat` file (proc(5): `pid (comm) state ppid pgrp session …
 * starttime(22) …`). The command name may contain spaces and parentheses, so the fields after
 * it are counted from the LAST `)` in the line. Anything that does not have that shape (fewer
 * than 22 fields, a non-numeric field where a number belongs) gives undefined.
 */
export function parseStat(text: string): ProcStat | undefined {
  const open = text.indexOf(' (');
  const close = text.lastIndexOf(')');
  if (open <= 0 || close < open || text[close + 1] !== ' ') return undefined;
  const pid = text.slice(0, open);
  // Fields 3.. follow ") ": state is index 0, so field N is index N - 3.
  const fields = text.slice(close + 2).trimEnd().split(' ');
  const [state, ppid, pgrp, session] = fields;
  const startTime = fields[19];
  const threads = fields[17];
  if (!DIGITS.test(pid) || state?.length !== 1 || startTime === undefined || !DIGITS.test(startTime) || threads === undefined || !DIGITS.test(threads)) return undefined;
  if (ppid === undefined || pgrp === undefined || session === undefined || !INTEGER.test(ppid) || !INTEGER.test(pgrp) || !INTEGER.test(session)) return undefined;
  return {
    pid: Number(pid),
    comm: text.slice(open + 2, close),
    state,
    ppid: Number(ppid),
    pgid: Number(pgrp),
    sid: Number(session),
    startTime,
    threads: Number(threads),
    zombie: state === 'Z' || state === 'X' || state === 'x',
  };
}

/**
 * The parsed text of `file`; a file the kernel wrote in another shape is a surprise worth an
 * error, never a silent "gone".
 */
export function parseStatFile(file: string, text: string): ProcStat {
  const stat = parseStat(text);
  if (stat === undefined) throw new Error(`${file} is not in the format proc(5) describes: ${JSON.stringify(text.slice(0, 120))}`);
  return stat;
}

/**
 * Read and parse `/proc/PID/stat` (proc(5)) synchronously: one small read of a kernel file.
 * Linux only.
 * @returns undefined when the process is gone (ENOENT, ESRCH). A zombie is still there: see `zombie`.
 * @throws TypeError for a pid that is not a positive integer or `'self'`; Error `'EUNSUPPORTED'`
 * off Linux; any other read error as it came.
 */
export function readStat(pid: number | 'self'): ProcStat | undefined {
  const file = `/proc/${pidSegment(pid)}/stat`;
  assertLinux();
  let text: string;
  try {
    text = readKernelFile(file, 'utf8');
  } catch (error) {
    if (isGone(error)) return undefined;
    throw error;
  }
  return parseStatFile(file, text);
}

/**
 * The start time of `pid` (proc(5) /proc/PID/stat field 22, clock ticks since boot, as decimal
 * text), or undefined when it is gone. With the pid it tells the original process from one that
 * got the pid later.
 */
export function startTimeOf(pid: number | 'self'): string | undefined {
  return readStat(pid)?.startTime;
}

/** The state letter of `pid` (proc(5) /proc/PID/stat field 3: `R`, `S`, `D`, `T`, `Z`…), or undefined when it is gone. */
export function stateOf(pid: number | 'self'): string | undefined {
  return readStat(pid)?.state;
}

/**
 * Now, in the unit of `startTime`: clock ticks (USER_HZ, 100 a second on Linux) since boot, from
 * /proc/uptime (seconds since boot, two decimals). A process whose `startTime` is greater was
 * started after this call. Linux only.
 */
export function ticksSinceBoot(): number {
  assertLinux();
  return Math.floor(Number(readKernelFile('/proc/uptime').split(' ')[0]) * 100);
}
