import { describe, expect, it } from 'vitest';
import { ContractError } from '../errors.js';
import { CTRUN_EXIT, ctrunArgs } from './ctrun.js';
import { parsePids } from './pgrep.js';

describe('ctrun argument arrays', () => {
  it('builds -l/-i/-c/-f/-o from the options, command last, no shell', () => {
    expect(ctrunArgs('/usr/bin/sleep', ['10; rm -rf /'], { params: ['noorphan'], critical: ['empty', 'hwerr'], informative: [] })).toEqual([
      '-l', 'contract', '-i', 'none', '-c', 'empty,hwerr', '-o', 'noorphan', '/usr/bin/sleep', '10; rm -rf /',
    ]);
  });
  it('passes the aux mark with -A (issue 22.1), refusing a NUL', () => {
    expect(ctrunArgs('/usr/bin/sleep', ['1'], { params: ['noorphan'], aux: 'pg:12:34' })).toEqual(['-l', 'contract', '-o', 'noorphan', '-A', 'pg:12:34', '/usr/bin/sleep', '1']);
    expect(() => ctrunArgs('/usr/bin/sleep', [], { aux: 'a\0b' })).toThrow(TypeError);
  });
  it('refuses a relative command', () => {
    expect(() => ctrunArgs('sleep', [])).toThrow(TypeError);
    expect(() => ctrunArgs('-v', [])).toThrow(TypeError);
  });
  it('knows ctrun’s own exit codes', () => {
    expect(CTRUN_EXIT).toEqual({ ABNORMAL: 123, INTERNAL: 124, USAGE: 125, EXEC_FAILED: 126, NOT_FOUND: 127 });
  });
});

describe('pgrep output', () => {
  it('reads one pid per line', () => {
    expect(parsePids('12\n 345\n\n')).toEqual([12, 345]);
  });
  it('rejects anything else', () => {
    expect(() => parsePids('12 oops\n')).toThrow(ContractError);
  });
});
