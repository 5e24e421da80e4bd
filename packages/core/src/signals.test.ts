import { constants } from 'node:os';
import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from './errors/index.js';
import { FORWARDED_SIGNAL_NAMES, forwardedSignals, platformSignal, signalName, signalNumber } from './signals.js';

describe('signalNumber', () => {
  it('accepts full names, short names in any case, numbers and numeric strings', () => {
    expect(signalNumber('SIGKILL')).toBe(9);
    expect(signalNumber('SIGTERM')).toBe(constants.signals.SIGTERM);
    expect(signalNumber('TERM')).toBe(constants.signals.SIGTERM);
    expect(signalNumber('term')).toBe(constants.signals.SIGTERM);
    expect(signalNumber('sigkill')).toBe(9);
    expect(signalNumber('SIGIOT')).toBe(constants.signals.SIGABRT); // an alias in the table
    expect(signalNumber(15)).toBe(15);
    expect(signalNumber('15')).toBe(15);
    expect(signalNumber(0)).toBe(0);
    expect(signalNumber('0')).toBe(0);
  });

  it.each([
    ['SIGNOPE', 'got "SIGNOPE", expected a signal name such as "SIGTERM" or "TERM", or a signal number'],
    ['', 'got "", expected a signal name'],
    ['SIG', 'got "SIG", expected a signal name'],
    ['9x', 'got "9x", expected a signal name'],
    ['-1', 'got "-1", expected a signal name'],
    [-1, `got -1, expected a signal number of this platform (e.g. ${constants.signals.SIGTERM})`],
    [1.5, 'got 1.5, expected a signal number of this platform'],
    [100000, 'got 100000, expected a signal number of this platform'],
    ['100000', 'got 100000, expected a signal number of this platform'],
    [Number.NaN, 'got NaN, expected a signal number of this platform'],
    [null, 'got null, expected a signal name'],
    [{}, 'got an object ([object Object]), expected a signal name'],
  ])('refuses %j with a TypeError naming the option, the value and what was expected', (bad, words) => {
    expect(() => signalNumber(bad as never, 'signal')).toThrow(InvalidOptionError);
    expect(() => signalNumber(bad as never, 'signal')).toThrow(`Invalid option \`signal\`: ${words}`);
  });

  it.runIf(process.platform === 'linux')('accepts the real-time signals as numbers and as SIGRTMIN+N / SIGRTMAX-N', () => {
    expect(signalNumber('SIGRTMIN')).toBe(34);
    expect(signalNumber('rtmin+2')).toBe(36);
    expect(signalNumber('SIGRTMAX')).toBe(64);
    expect(signalNumber('SIGRTMAX-4')).toBe(60);
    expect(signalNumber(40)).toBe(40);
    expect(signalNumber('64')).toBe(64);
    for (const bad of ['SIGRTMIN+31', 'SIGRTMAX-31', 'SIGRTMIN-1', 'SIGRTMAX+1', 'SIGRTMID', 65, 32, 33]) {
      expect(() => signalNumber(bad), String(bad)).toThrow(InvalidOptionError);
    }
  });

  it('names the option it is given', () => {
    expect(() => signalNumber('SIGNOPE', 'killSignal')).toThrow(/^Invalid option `killSignal`: got "SIGNOPE", expected .+\.$/);
  });

  it('refuses a number this platform has no signal for, even below 64', () => {
    const unnamed = Array.from({ length: 64 }, (_, i) => i + 1).find((n) => !Object.values(constants.signals).includes(n));
    if (unnamed !== undefined) expect(() => signalNumber(unnamed)).toThrow(InvalidOptionError);
  });
});

describe('signalName', () => {
  it('names numbers back, real-time ones as SIGRTMIN+N on Linux', () => {
    expect(signalName(9)).toBe('SIGKILL');
    expect(signalName(4095)).toBe('SIG4095');
    if (process.platform === 'linux') {
      expect(signalName(34)).toBe('SIGRTMIN');
      expect(signalName(36)).toBe('SIGRTMIN+2');
      expect(signalName(64)).toBe('SIGRTMAX');
      expect(signalNumber(signalName(50))).toBe(50);
    }
  });
});

describe('platform signals', () => {
  it('answers undefined for a signal the platform lacks instead of throwing', () => {
    expect(platformSignal('SIGTERM')).toBe(constants.signals.SIGTERM);
    expect(platformSignal('SIGNOPE' as NodeJS.Signals)).toBeUndefined();
  });

  it('forwards only signals this platform has, in the one documented order', () => {
    const here = forwardedSignals();
    expect(here.every((name) => constants.signals[name] !== undefined)).toBe(true);
    expect(FORWARDED_SIGNAL_NAMES.filter((name) => here.includes(name))).toEqual(here);
    if (process.platform === 'linux') expect(here).toHaveLength(12);
  });
});
