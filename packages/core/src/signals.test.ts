import { constants } from 'node:os';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from './errors/index.js';
import { signalName, signalNumber } from './signals.js';

describe('signalNumber', () => {
  it('accepts full names, short names in any case, numbers and numeric strings', () => {
    expect(signalNumber('SIGTERM')).toBe(constants.signals.SIGTERM);
    expect(signalNumber('term')).toBe(constants.signals.SIGTERM);
    expect(signalNumber('sigkill')).toBe(9);
    expect(signalNumber(15)).toBe(15);
    expect(signalNumber('15')).toBe(15);
    expect(signalNumber(0)).toBe(0);
  });

  it.each(['SIGNOPE', '', 'SIG', '9x', -1, 1.5, 100000, Number.NaN])('rejects %s naming the option', (bad) => {
    expect(() => signalNumber(bad as never, 'signal')).toThrow(InvalidOptionError);
    expect(() => signalNumber(bad as never, 'signal')).toThrow(/`signal`/);
  });

  it('names numbers back', () => {
    expect(signalName(9)).toBe('SIGKILL');
    expect(signalName(4095)).toBe('SIG4095');
  });
});
