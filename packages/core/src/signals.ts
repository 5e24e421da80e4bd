import { constants } from 'node:os';
import { InvalidOptionError } from './errors/index.js';

/**
 * The one signal rule of pg: which names and numbers mean a signal on this platform, decided
 * here, in core, for every backend, the CLI and the helper's forwarding. The table is
 * `os.constants.signals` of the platform Node runs on (Windows has a short one: no SIGCONT,
 * SIGSTOP or SIGUSR1), plus Linux's real-time signals, which Node's table lacks. Nothing here
 * is evaluated for a signal a platform does not have, so importing `@pg/core` works everywhere.
 */

/** A signal by name (`'SIGTERM'`, also `'TERM'`) or number (`15`). */
export type SignalLike = NodeJS.Signals | number | string;

const table = constants.signals as Readonly<Record<string, number | undefined>>;
const numbers = new Set(Object.values(table));

/**
 * Linux's real-time signals as programs see them: the kernel's 32 to 64, less the two glibc and
 * musl keep for their threads (signal(7)), so SIGRTMIN is 34.
 */
const RT = process.platform === 'linux' ? { min: 34, max: 64 } : undefined;
const isRealTime = (n: number) => RT !== undefined && n >= RT.min && n <= RT.max;

/** `SIGRTMIN`, `SIGRTMIN+N`, `SIGRTMAX`, `SIGRTMAX-N` (upper case, with SIG) → its number, if in range. */
function realTimeNumber(name: string): number | undefined {
  const m = /^SIGRT(MIN|MAX)(?:([+-])(\d{1,2}))?$/.exec(name);
  if (m === null || RT === undefined) return undefined;
  const offset = m[3] === undefined ? 0 : Number(m[3]);
  if ((m[1] === 'MIN' && m[2] === '-') || (m[1] === 'MAX' && m[2] === '+')) return undefined;
  const n = m[1] === 'MIN' ? RT.min + offset : RT.max - offset;
  return isRealTime(n) ? n : undefined;
}

/**
 * The number of a signal given by name or number, validated against this platform's table.
 * Names are accepted with or without `SIG` and in any case (`'SIGTERM'`, `'TERM'`, `'term'`),
 * numbers as numbers or decimal strings (`15`, `'15'`). 0 is accepted: like kill(2), it checks
 * that a process exists and may be signalled, without sending anything. On Linux the real-time
 * signals are accepted too, as numbers (34 to 64) or as `SIGRTMIN+N` and `SIGRTMAX-N`.
 * @param option the option the value came from, named in the error.
 * @throws InvalidOptionError naming the option, the value and what was expected.
 */
export function signalNumber(signal: SignalLike, option = 'signal'): number {
  if (typeof signal === 'number') {
    if (Number.isInteger(signal) && (signal === 0 || numbers.has(signal) || isRealTime(signal))) return signal;
    throw new InvalidOptionError(option, signal, `a signal number of this platform (e.g. ${table.SIGTERM})`);
  }
  if (typeof signal === 'string') {
    const n = signalOfName(signal);
    if (n !== undefined) return n;
    if (/^\d+$/.test(signal)) return signalNumber(Number(signal), option);
  }
  throw new InvalidOptionError(option, signal, 'a signal name such as "SIGTERM" or "TERM", or a signal number');
}

/** The number of a signal name (any case, `SIG` optional), or undefined where this platform has none. */
function signalOfName(name: string): number | undefined {
  const upper = name.toUpperCase();
  const full = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  return table[full] ?? realTimeNumber(full);
}

/**
 * The number of a well-known signal on this platform, or undefined where it has none (Windows
 * has no SIGCONT or SIGSTOP). Never throws: for code that must work on every platform.
 */
export function platformSignal(name: NodeJS.Signals): number | undefined {
  return table[name];
}

/** The name of a signal number (`15` → `'SIGTERM'`, `35` → `'SIGRTMIN+1'` on Linux), or `'SIG<n>'` when unnamed. */
export function signalName(signal: number): string {
  for (const [name, value] of Object.entries(table)) if (value === signal) return name;
  if (RT !== undefined && isRealTime(signal)) return signal === RT.max ? 'SIGRTMAX' : signal === RT.min ? 'SIGRTMIN' : `SIGRTMIN+${signal - RT.min}`;
  return `SIG${signal}`;
}

/** SIGKILL: 9 on every platform Node runs on (Windows maps it to TerminateProcess). */
export const SIGKILL = 9;

/**
 * The signals a supervisor passes on to the whole group: `pg run` and `pg init` (Node), and
 * pg-helper in front of a leader or as PID 1 (`FORWARDED` in helper.c, checked against this list
 * by a test). SIGKILL and SIGSTOP cannot be caught; SIGCHLD is the supervisor's own. The
 * job-control signals (SIGTSTP, SIGTTIN, SIGTTOU) are passed on and the supervisor then stops
 * itself, as dumb-init does, so a shell's Ctrl-Z stops the group and gives the terminal back.
 */
export const FORWARDED_SIGNAL_NAMES = Object.freeze([
  'SIGTERM', 'SIGINT', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2',
  'SIGWINCH', 'SIGCONT', 'SIGALRM', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU',
] as const satisfies readonly NodeJS.Signals[]);

/** The forwarded signals this platform has (Windows: SIGTERM, SIGINT, SIGHUP, SIGWINCH). */
export function forwardedSignals(): NodeJS.Signals[] {
  return FORWARDED_SIGNAL_NAMES.filter((name) => table[name] !== undefined);
}

/** The job-control signals among the forwarded ones: after passing one on, a supervisor stops itself. */
export const JOB_CONTROL_SIGNALS: ReadonlySet<NodeJS.Signals> = new Set(['SIGTSTP', 'SIGTTIN', 'SIGTTOU']);
