import { constants } from 'node:os';

/**
 * Signal numbers as this Linux leaf takes them: integers 0 to 64 (0 checks without sending;
 * 32 to 64 are the real-time signals, signal(7)). Names and which signals a platform has are
 * decided once, in `@pg/core` (its `signalNumber`); a leaf only refuses what cannot be a signal.
 * @throws TypeError naming `option`, the value and what was expected.
 */
export function checkSignalNumber(signal: number, option = 'signal'): number {
  if (Number.isInteger(signal) && signal >= 0 && signal <= 64) return signal;
  throw new TypeError(`Invalid option \`${option}\`: got ${String(signal)}, expected a Linux signal number (0 to 64).`);
}

/** A signal number → its name in Node's table (`15` → `'SIGTERM'`), or null when it has none. */
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
