import { readdirSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { probe, spawnGroup } from '@pg/core';
import { findGroupBase } from '@pg/cgroup';
import { disposeAll } from './cgroup-helpers.js';

const available = (await probe()).find((p) => p.backend === 'cgroup')?.available === true;

afterEach(disposeAll);

/** The group directories in pg's base now (none when the base does not exist). */
function groupDirs(): string[] {
  const found = findGroupBase();
  if (!found.ok) return [];
  try {
    return readdirSync(found.base.dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

describe.skipIf(!available)('cgroup backend: what spawn refuses leaves nothing behind', () => {
  it('a missing command rejects and creates no cgroup directory', async () => {
    const before = groupDirs();
    await expect(spawnGroup('pg-no-such-command-xyz', [], { backend: 'cgroup', name: 'missing' })).rejects.toMatchObject({ errno: 'ENOENT' });
    await expect(spawnGroup('/nonexistent/dir/cmd', [], { backend: 'cgroup', name: 'missing' })).rejects.toMatchObject({ errno: 'ENOENT' });
    expect(groupDirs().filter((d) => d.startsWith('missing@'))).toEqual([]);
    expect(groupDirs().length).toBeLessThanOrEqual(before.length);
  });

  it('a cwd that does not exist rejects and removes the cgroup it had created', async () => {
    await expect(spawnGroup('/bin/true', [], { backend: 'cgroup', name: 'badcwd', cwd: '/nonexistent/pg-cwd' })).rejects.toBeTruthy();
    expect(groupDirs().filter((d) => d.startsWith('badcwd@'))).toEqual([]);
  });

  it.each(['../escape', '../../etc', 'a/b', '..'])('a name %j is refused and creates nothing', async (name) => {
    await expect(spawnGroup('/bin/true', [], { backend: 'cgroup', name })).rejects.toBeInstanceOf(TypeError);
    expect(groupDirs().filter((d) => d.includes('escape') || d.includes('etc'))).toEqual([]);
  });

  it('limits the controller cannot give are refused with the reason, and leave nothing', async () => {
    const found = findGroupBase();
    const offered = found.ok ? (await import('node:fs')).readFileSync(`${found.base.parentDir}/cgroup.controllers`, 'latin1') : '';
    if (offered.split(/\s+/).includes('pids')) return; // this host can enforce it: nothing to refuse
    await expect(spawnGroup('/bin/true', [], { backend: 'cgroup', name: 'limited', limits: { pids: 10 } })).rejects.toMatchObject({
      code: 'ERR_PG_UNSUPPORTED',
      message: expect.stringContaining("'pids'"),
    });
    expect(groupDirs().filter((d) => d.startsWith('limited@'))).toEqual([]);
  });
});
