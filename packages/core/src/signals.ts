import { signalName as leafSignalName, signalNumber as leafSignalNumber } from '@pg/pidfd';
import { InvalidOptionError } from './errors/index.js';

/** A signal by name (`'SIGTERM'`, also `'TERM'`) or number (`15`). */
export type SignalLike = NodeJS.Signals | number | string;

/**
 * The number of a signal given by name or number, validated against this platform's table
 * (`os.constants.signals`). 0 is accepted: it checks deliverability without sending anything.
 * The rule is `@pg/pidfd`'s `signalNumber`, the one every pg package uses; here a bad value is an
 * `InvalidOptionError` naming `option`.
 */
export function signalNumber(signal: SignalLike, option = 'signal'): number {
  try {
    return leafSignalNumber(signal, option);
  } catch (error) {
    if (error instanceof TypeError) throw InvalidOptionError.fromTypeError(option, signal, error);
    throw error;
  }
}

/** The name of a signal number (`15` → `'SIGTERM'`), or `'SIG<n>'` when unnamed. */
export function signalName(signal: number): string {
  return leafSignalName(signal) ?? `SIG${signal}`;
}
