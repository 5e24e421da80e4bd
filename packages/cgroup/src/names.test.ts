import { describe, expect, it } from 'vitest';
import { formatGroupDirName, parseGroupDirName, validateGroupName } from './names.js';

describe('validateGroupName', () => {
  it('accepts ordinary names', () => {
    for (const n of ['web', 'ffmpeg-1', 'a.b_c:d+e', '9', '_x', 'a@b']) expect(validateGroupName(n)).toBe(n);
  });
  it.each([
    ['../x'], ['..'], ['.'], ['a/b'], ['/abs'], ['a\0b'], ['a\nb'], ['a\x7fb'], [''], [' lead'], ['a b'], ['-x'], ['x'.repeat(65)], ['.hidden'],
  ])('refuses %j', (n) => {
    expect(() => validateGroupName(n)).toThrow(TypeError);
  });
  it('names the option and the value', () => {
    expect(() => validateGroupName('../etc', 'options.name')).toThrow(/options\.name.*"\.\.\/etc"/);
    expect(() => validateGroupName(42)).toThrow(/42/);
  });
});

describe('group directory names', () => {
  it('round-trip', () => {
    const dir = formatGroupDirName('web', { pid: 4242, token: 'i3596' }, 7);
    expect(dir).toBe('web@4242.i3596.7');
    expect(parseGroupDirName(dir)).toEqual({ name: 'web', owner: { pid: 4242, token: 'i3596' }, seq: 7 });
    expect(parseGroupDirName('a.b@1.t99.0')?.owner).toEqual({ pid: 1, token: 't99' });
    // An '@' in the name: the marker is taken from the right.
    expect(parseGroupDirName(formatGroupDirName('x@1.i2.3', { pid: 5, token: 'i6' }, 0))).toEqual({ name: 'x@1.i2.3', owner: { pid: 5, token: 'i6' }, seq: 0 });
  });
  it('do not match other directories (nor a pid no process can have)', () => {
    for (const d of ['web', 'web@x.i1.0', 'web@1.q1.0', '../a@1.i1.0', 'cgroup.procs', 'a@0.i1.0', 'a@99999999999999999999.i1.0']) {
      expect(parseGroupDirName(d)).toBeUndefined();
    }
  });
});
