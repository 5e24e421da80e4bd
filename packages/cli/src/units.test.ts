import { describe, expect, it } from 'vitest';
import { formatBytes, parseMilliseconds, parsePositiveInteger, parseSize } from './units.js';
import { UsageError } from './usage-error.js';

describe('parseSize', () => {
  it.each([
    ['1', 1],
    ['512', 512],
    ['64K', 65536],
    ['64k', 65536],
    ['512M', 512 * 1024 ** 2],
    ['1.5G', 1.5 * 1024 ** 3],
    ['2GiB', 2 * 1024 ** 3],
    ['1T', 1024 ** 4],
    ['100b', 100],
  ])('%s is %d bytes', (text, bytes) => expect(parseSize(text, '--limit-memory')).toBe(bytes));

  it.each(['', '0', '12X', '-5M', 'M', '1e9', '0.1'])('refuses %j with a UsageError naming the option', (text) => {
    expect(() => parseSize(text, '--limit-memory')).toThrow(UsageError);
    expect(() => parseSize(text, '--limit-memory')).toThrow(/--limit-memory/);
  });
});

describe('integers', () => {
  it('parsePositiveInteger takes 1.. and refuses the rest', () => {
    expect(parsePositiveInteger('32', '--limit-pids')).toBe(32);
    for (const bad of ['0', '-1', '1.5', 'ten', '']) expect(() => parsePositiveInteger(bad, '--limit-pids')).toThrow(UsageError);
  });
  it('parseMilliseconds takes 0..', () => {
    expect(parseMilliseconds('0', '--timeout')).toBe(0);
    expect(() => parseMilliseconds('soon', '--timeout')).toThrow(/--timeout/);
  });
});

describe('formatBytes', () => {
  it('uses binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GiB');
  });
});
