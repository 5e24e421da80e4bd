import { describe, expect, it } from 'vitest';
import { decodeWaitStatus, signalName, signalNumber } from './signals.js';

describe('signalNumber', () => {
  it('accepts names and numbers', () => {
    expect(signalNumber('SIGKILL')).toBe(9);
    expect(signalNumber(15)).toBe(15);
    expect(signalNumber(0)).toBe(0);
  });
  it('refuses what is not a signal, naming the value', () => {
    expect(() => signalNumber('SIGNOPE' as NodeJS.Signals)).toThrow(/SIGNOPE/);
    expect(() => signalNumber(65)).toThrow(TypeError);
    expect(() => signalNumber(1.5)).toThrow(TypeError);
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
