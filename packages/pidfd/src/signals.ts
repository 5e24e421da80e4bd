import { constants } from 'node:os';

/**
 * A signal name or number → its number on this platform (`os.constants.signals`). 0 is allowed
 * (it checks existence and permission without sending anything, like kill(2)).
 * @throws TypeError naming the value and what was expected.
 */
export function signalNumber(signal: NodeJS.Signals | number, option = 'signal'): number {
  if (typeof signal === 'number') {
    // Linux has signals 1..64 (SIGRTMAX); 0 is the existence probe.
    if (Number.isInteger(signal) && signal >= 0 && signal <= 64) return signal;
  } else if (typeof signal === 'string') {
    const n = (constants.signals as Record<string, number | undefined>)[signal];
    if (n !== undefined) return n;
  }
  throw new TypeError(
    `Invalid ${option}: ${String(signal)}. Expected a signal name such as 'SIGTERM' or an integer 0..64.`,
  );
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
