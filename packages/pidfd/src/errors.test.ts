import { constants } from 'node:os';
import { describe, expect, it } from 'vitest';
import { PidfdError, errnoCode, syscallError } from './errors.js';

describe('errnoCode', () => {
  it('maps the numbers of this platform to their names', () => {
    expect(errnoCode(constants.errno.ESRCH)).toBe('ESRCH');
    expect(errnoCode(constants.errno.ENOSYS)).toBe('ENOSYS');
    expect(errnoCode(constants.errno.EAGAIN)).toMatch(/^(EAGAIN|EWOULDBLOCK)$/);
  });
  it('still gives a string for a number it does not know', () => {
    expect(errnoCode(99999)).toBe('E99999');
  });
});

describe('PidfdError', () => {
  it('carries the code and the syscall and is recognised by brand', () => {
    const e = syscallError('pidfd_open', constants.errno.ESRCH, 'pid 5');
    expect(e.code).toBe('ESRCH');
    expect(e.syscall).toBe('pidfd_open');
    expect(e.message).toContain('pid 5');
    expect(PidfdError.isInstance(e)).toBe(true);
    expect(PidfdError.isInstance(new Error('x'))).toBe(false);
  });
});
