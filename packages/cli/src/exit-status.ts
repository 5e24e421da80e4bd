import { signalNumber, type LeaderExit } from '@pg/core';

/** The shell's convention: the exit code, or 128+N when signal N ended the process. */
export function exitCodeOf(exit: LeaderExit): number {
  if (exit.signal !== null) return 128 + signalNumber(exit.signal);
  return exit.code ?? 1;
}

/** `exited with 3`, `killed by SIGTERM`, for messages. */
export function describeExit(exit: LeaderExit): string {
  return exit.signal !== null ? `killed by ${exit.signal}` : `exited with ${exit.code ?? '?'}`;
}
