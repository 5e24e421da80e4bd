import { describe, expect, it } from 'vitest';
import { callError, check, ContractError, errnoCode } from './errors.js';
import { eventBits, eventName, fatalBits, paramBits, stateName } from './names.js';

describe('illumos errno numbers', () => {
  it('maps the numbers libcontract and sigsend return to names (illumos table, not this machine’s)', () => {
    expect(errnoCode(93)).toBe('ENOTEMPTY');
    expect(errnoCode(3)).toBe('ESRCH');
    expect(errnoCode(1)).toBe('EPERM');
    expect(errnoCode(2)).toBe('ENOENT');
    expect(errnoCode(11)).toBe('EAGAIN');
    expect(errnoCode(13)).toBe('EACCES');
    expect(errnoCode(16)).toBe('EBUSY');
    expect(errnoCode(22)).toBe('EINVAL');
    expect(errnoCode(39)).toBe('E39');
  });
  it('treats libcontract results as 0-or-errno: 0 passes, any other value is the code', () => {
    expect(() => check('ct_tmpl_activate', 0)).not.toThrow();
    const error = callError('ct_ctl_adopt', 22);
    expect(ContractError.isInstance(error)).toBe(true);
    expect([error.code, error.call]).toEqual(['EINVAL', 'ct_ctl_adopt']);
    expect(() => check('ct_tmpl_set_param', 22)).toThrow(/ct_tmpl_set_param failed: EINVAL/);
  });
});

describe('event, parameter and state names', () => {
  it('maps event types to names and back', () => {
    expect([0x1, 0x2, 0x4, 0x8, 0x10, 0x20].map(eventName)).toEqual(['empty', 'fork', 'exit', 'core', 'signal', 'hwerr']);
    expect(eventName(0x3)).toBeUndefined();
    expect(eventName(0x40)).toBeUndefined();
    expect(eventBits(['empty', 'hwerr'], 'critical')).toBe(0x21);
    expect(eventBits([], 'critical')).toBe(0);
  });
  it('accepts only core, signal and hwerr as fatal', () => {
    expect(fatalBits(['core', 'signal', 'hwerr'])).toBe(0x38);
    expect(() => fatalBits(['empty'])).toThrow(TypeError);
  });
  it('maps parameters without KEEP_EXEC (0x10), which older gate rejects', () => {
    expect(paramBits(['inherit', 'noorphan', 'pgrponly', 'regent'])).toBe(0xf);
    expect(() => paramBits(['keep_exec' as never])).toThrow(TypeError);
  });
  it('maps ctstate_t', () => {
    expect([0, 1, 2, 3].map(stateName)).toEqual(['owned', 'inherited', 'orphan', 'dead']);
    expect(() => stateName(4)).toThrow(ContractError);
  });
});
