import { describe, expect, it } from 'vitest';
import { parseFlatKeyed, parsePids } from './files.js';

describe('parsePids', () => {
  it('reads one pid per line and drops duplicates', () => {
    expect(parsePids('12\n34\n12\n')).toEqual([12, 34]);
    expect(parsePids('')).toEqual([]);
  });

  it('takes the last pid without a trailing newline, and never 0', () => {
    expect(parsePids('4194304\n7')).toEqual([4194304, 7]);
    expect(parsePids('0\n5\n')).toEqual([5]);
  });
});

describe('parseFlatKeyed', () => {
  it('reads key value lines', () => {
    expect(parseFlatKeyed('populated 1\nfrozen 0\n')).toEqual({ populated: 1, frozen: 0 });
    expect(parseFlatKeyed('usage_usec 123\nweird\n')).toEqual({ usage_usec: 123 });
  });
});
