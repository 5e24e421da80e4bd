import { describe, expect, it } from 'vitest';
import { encodeRelease, encodeSpawn, envStrings } from './request.js';

describe('spawner requests', () => {
  it('spawn: NUL-terminated fields in the order the C side reads them', () => {
    const payload = encodeSpawn({ id: 7, keep: true, cgroupDir: '/sys/fs/cgroup/pg/a', cwd: undefined, targets: [0, 1, 4], file: '/bin/sh', argv: ['sh', '-c', 'x'], env: ['A=1'] });
    expect(payload.toString().split('\0')).toEqual(['spawn', '7', 'k', '/sys/fs/cgroup/pg/a', '', '0,1,4', '/bin/sh', '3', 'sh', '-c', 'x', '1', 'A=1', '']);
  });

  it('a NUL inside a field is refused, not truncated', () => {
    expect(() => encodeSpawn({ id: 1, keep: false, cgroupDir: undefined, cwd: undefined, targets: [], file: '/bin/true', argv: ['a\0b'], env: [] })).toThrow(TypeError);
  });

  it('release and env strings', () => {
    expect(encodeRelease(12).toString()).toBe('release\u000012\u0000');
    expect(envStrings({ A: '1', B: undefined, C: '' })).toEqual(['A=1', 'C=']);
  });
});
