import { constants } from 'node:os';
import { InvalidOptionError } from './errors/index.js';

/** A signal by name (`'SIGTERM'`, also `'TERM'`) or number (`15`). */
export type SignalLike = NodeJS.Signals | number | string;

const byNumber = new Map<number, string>(Object.entries(constants.signals).map(([name, n]) => [n, name]));

/**
 * The number of a signal given by name or number, validated against this platform's table
 * (`os.constants.signals`). 0 is accepted: it checks deliverability without sending anything.
 */
export function signalNumber(signal: SignalLike, option = 'signal'): number {
  if (typeof signal === 'number') {
    if (Number.isInteger(signal) && (signal === 0 || byNumber.has(signal))) return signal;
    throw new InvalidOptionError(option, signal, `a signal number of this platform (e.g. ${constants.signals.SIGTERM})`);
  }
  if (typeof signal === 'string') {
    const upper = signal.toUpperCase();
    const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
    const n = (constants.signals as Record<string, number | undefined>)[name];
    if (n !== undefined) return n;
    if (/^\d+$/.test(signal)) return signalNumber(Number(signal), option);
  }
  throw new InvalidOptionError(option, signal, 'a signal name such as "SIGTERM" or "TERM", or a signal number');
}

/** The name of a signal number (`15` → `'SIGTERM'`), or `'SIG<n>'` when unnamed. */
export function signalName(signal: number): string {
  return byNumber.get(signal) ?? `SIG${signal}`;
}
