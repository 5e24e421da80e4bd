import { describe, expect, it } from 'vitest';
import { cgroupDir, cgroupPathOfDir, isWithin, parseCgroup2Mounts, parseCgroupPath } from './mount.js';

const mountinfo = [
  '25 30 0:22 / /proc rw,nosuid - proc proc rw',
  '41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw,nsdelegate,favordynmods',
  '42 31 0:38 /a\\040b /mnt/cg\\040x rw shared:5 - cgroup2 none rw',
].join('\n');

describe('parseCgroup2Mounts', () => {
  it('finds cgroup2 mounts, unescapes their fields and keeps their super options', () => {
    expect(parseCgroup2Mounts(mountinfo)).toEqual([
      { root: '/', mountPoint: '/sys/fs/cgroup/unified', options: ['rw', 'nsdelegate', 'favordynmods'] },
      { root: '/a b', mountPoint: '/mnt/cg x', options: ['rw'] },
    ]);
  });
});

describe('parseCgroupPath', () => {
  it('takes the 0:: line of a hybrid host', () => {
    expect(parseCgroupPath('9:name=systemd:/\n4:memory:/x\n0::/user.slice/u\n')).toBe('/user.slice/u');
    expect(parseCgroupPath('4:memory:/x\n')).toBeUndefined();
  });
});

describe('paths', () => {
  it('maps cgroup paths to directories and back', () => {
    const mount = { root: '/', mountPoint: '/sys/fs/cgroup', options: [] };
    expect(cgroupDir('/pg/a', mount)).toBe('/sys/fs/cgroup/pg/a');
    expect(cgroupDir('/', mount)).toBe('/sys/fs/cgroup');
    expect(cgroupPathOfDir('/sys/fs/cgroup/pg/a', mount)).toBe('/pg/a');
    expect(cgroupPathOfDir('/sys/fs/cgroup', mount)).toBe('/');
    expect(cgroupPathOfDir('/sys/fs/cgroupX/a', mount)).toBeUndefined();
    const bind = { root: '/a', mountPoint: '/mnt', options: [] };
    expect(cgroupDir('/a/b', bind)).toBe('/mnt/b');
    expect(cgroupPathOfDir('/mnt/b', bind)).toBe('/a/b');
    expect(() => cgroupDir('/z', bind)).toThrow(/not visible/);
  });
  it('isWithin compares whole path segments', () => {
    expect(isWithin('/a/b', '/a')).toBe(true);
    expect(isWithin('/ab', '/a')).toBe(false);
    expect(isWithin('/a', '/')).toBe(true);
  });
});
