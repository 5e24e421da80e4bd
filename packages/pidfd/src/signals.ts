import { constants } from 'node:os';

const signals = constants.signals as Readonly<Record<string, number | undefined>>;
const numbers = new Set(Object.values(signals));

/**
 * Linux's real-time signals as programs see them: the kernel's 32 to 64, less the two glibc and
 * musl keep for their threads (signal(7)), so SIGRTMIN is 34. Node's table has none of them.
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
 * The number of a signal given by name or number, validated against this platform's table
 * (`os.constants.signals`): the one rule for every pg package. Names are accepted with or
 * without `SIG` and in any case (`'SIGTERM'`, `'TERM'`, `'term'`), numbers as numbers or decimal
 * strings (`15`, `'15'`). 0 is accepted: like kill(2), it checks that the process exists and may
 * be signalled, without sending anything. On Linux the real-time signals are accepted too, as
 * numbers (34 to 64) or as `SIGRTMIN+N` and `SIGRTMAX-N` (signal(7)).
 * @param option the name of the option the value came from, for the error message.
 * @throws TypeError ``Invalid option `signal`: got "SIGNOPE", expected …`` naming the option, the value and what was expected.
 */
export function signalNumber(signal: NodeJS.Signals | number | string, option = 'signal'): number {
  if (typeof signal === 'number') {
    if (Number.isInteger(signal) && (signal === 0 || numbers.has(signal) || isRealTime(signal))) return signal;
    throw invalid(option, signal, `a signal number of this platform (e.g. ${constants.signals.SIGTERM})`);
  }
  if (typeof signal === 'string') {
    const upper = signal.toUpperCase();
    const full = upper.startsWith('SIG') ? upper : `SIG${upper}`;
    const n = signals[full] ?? realTimeNumber(full);
    if (n !== undefined) return n;
    if (/^\d+$/.test(signal)) return signalNumber(Number(signal), option);
  }
  throw invalid(option, signal, 'a signal name such as "SIGTERM" or "TERM", or a signal number');
}

/** The project's wording for a bad option: the option, the value (strings JSON-quoted) and what was expected. */
function invalid(option: string, value: unknown, expected: string): TypeError {
  return new TypeError(`Invalid option \`${option}\`: got ${describe(value)}, expected ${expected}.`);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return `an object (${Object.prototype.toString.call(value)})`;
}

/** A signal number → its name (`15` → `'SIGTERM'`), or null when this platform has no name for it. */
export function signalName(n: number): NodeJS.Signals | null {
  for (const [name, value] of Object.entries(constants.signals)) {
    if (value === n) return name as NodeJS.Signals;
  }
  return null;
}

/** How a process ended, decoded from a wait(2) status word. */
export interface ExitStatus {
  /** The exit code when it exited normally, else null. */
  exitCode: number | null;
  /** The signal that ended it, else null. */
  signal: NodeJS.Signals | null;
}

/**
 * Decode a wait status as <sys/wait.h> defines it on Linux: low 7 bits 0 → exited with code in
 * bits 8..15 (WIFEXITED/WEXITSTATUS); otherwise, unless 0x7f (stopped), killed by the signal in the
 * low 7 bits (WIFSIGNALED/WTERMSIG).
 */
export function decodeWaitStatus(status: number): ExitStatus {
  const low = status & 0x7f;
  if (low === 0) return { exitCode: (status >> 8) & 0xff, signal: null };
  if (low !== 0x7f) return { exitCode: null, signal: signalName(low) };
  return { exitCode: null, signal: null };
}
