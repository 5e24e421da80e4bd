// cgroupFeatures reads the interface files of a real cgroup, and says which one it looked at.
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { cgroupFeatures, findCgroup2Mount, ownCgroupDir } from '../src/index.js';
import { cleanup, freshGroup, testBase } from './helpers.js';

afterEach(cleanup);

/** The cgroup2 line of mountinfo, read here without the package, to check it independently. */
function cgroup2Line(mountPoint: string): string {
  const line = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').find((l) => l.includes(' - cgroup2 ') && l.split(' ')[4] === mountPoint);
  if (line === undefined) throw new Error(`no cgroup2 line for ${mountPoint}`);
  return line;
}

describe('cgroupFeatures', () => {
  it('finds cgroup.kill, cgroup.freeze and cgroup.events in a non-root cgroup it is given', () => {
    const group = freshGroup('features');
    const f = cgroupFeatures(group.dir);
    expect(f).toMatchObject({ dir: group.dir, checked: 'given', root: false, kill: true, freeze: true, events: true });
    const superOptions = cgroup2Line(f.mount.mountPoint).split(' - ')[1]?.split(' ')[2]?.split(',') ?? [];
    expect(f.favordynmods).toBe(superOptions.includes('favordynmods'));
    expect(f.nsdelegate).toBe(superOptions.includes('nsdelegate'));
  });

  it('cannot tell from the root cgroup, which never has those files', () => {
    const f = cgroupFeatures(findCgroup2Mount().mountPoint);
    expect(f).toMatchObject({ root: true, kill: undefined, freeze: undefined, events: undefined });
  });

  it('looks in its own cgroup, or in the group base when its own is the root', () => {
    freshGroup('base-exists'); // the base exists while a group does
    const f = cgroupFeatures();
    const own = ownCgroupDir();
    if (cgroupFeatures(own).root) expect(f).toMatchObject({ checked: 'base', dir: testBase().dir, kill: true });
    else expect(f).toMatchObject({ checked: 'own', dir: own, kill: true });
  });

  it('refuses what is not a cgroup directory', () => {
    expect(() => cgroupFeatures('relative/dir')).toThrow(/^Invalid option `dir`: got "relative\/dir", expected an absolute cgroup directory path\.$/);
    expect(() => cgroupFeatures('/tmp')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });
});
