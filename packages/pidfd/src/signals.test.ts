import { describe, expect, it } from 'vitest';
import { checkSignalNumber, decodeWaitStatus, signalName } from './signals.js';

describe('checkSignalNumber', () => {
  it('accepts the Linux signal numbers 0 to 64', () => {
    expect(checkSignalNumber(0)).toBe(0);
    expect(checkSignalNumber(9)).toBe(9);
    expect(checkSignalNumber(64)).toBe(64);
  });
  it.each([-1, 65, 1.5, Number.NaN])('refuses %s with a TypeError naming the option', (bad) => {
    expect(() => checkSignalNumber(bad, 'signal')).toThrow(/^Invalid option `signal`: got .+, expected a Linux signal number \(0 to 64\)\.$/);
  });
});

describe('decodeWaitStatus', () => {
  it('decodes a normal exit', () => {
    expect(decodeWaitStatus(3 << 8)).toEqual({ exitCode: 3, signal: null });
  });
  it('decodes a death by signal (with or without core dump bit)', () => {
    expect(decodeWaitStatus(9)).toEqual({ exitCode: null, signal: 'SIGKILL' });
    expect(decodeWaitStatus(0x80 | 6)).toEqual({ exitCode: null, signal: 'SIGABRT' });
  });
  it('names signals', () => {
    expect(signalName(15)).toBe('SIGTERM');
  });
});
