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

  it('a cwd that does not exist is named, with the directory, and no cgroup is created', async () => {
    const before = groupDirs();
    await expect(spawnGroup('/bin/true', [], { backend: 'cgroup', name: 'badcwd', cwd: '/nonexistent/pg-cwd' })).rejects.toMatchObject({
      code: 'ERR_PG_SPAWN',
      errno: 'ENOENT',
      message: expect.stringMatching(/`cwd` "\/nonexistent\/pg-cwd".*no such directory/),
    });
    expect(groupDirs()).toEqual(before);
  });

  it.each(['../escape', '../../etc', 'a/b', '..', '.hidden', 'x\ny'])('a name %j is refused with InvalidOptionError naming `name`, and creates nothing', async (name) => {
    const before = groupDirs();
    const error = await spawnGroup('/bin/true', [], { backend: 'cgroup', name }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toMatchObject({ code: 'ERR_PG_INVALID_OPTION', option: 'name' });
    expect(groupDirs()).toEqual(before);
  });

  it('limits are enforced where the controller is offered, else refused with the reason, leaving nothing', async () => {
    const found = findGroupBase();
    const offered = found.ok ? (await import('node:fs')).readFileSync(`${found.base.parentDir}/cgroup.controllers`, 'latin1') : '';
    const outcome = await spawnGroup('/bin/sleep', ['1000'], { backend: 'cgroup', name: 'limited', limits: { pids: 10 }, stdio: 'ignore' }).catch((e: unknown) => e);
    if (offered.split(/\s+/).includes('pids')) {
      const group = outcome as Awaited<ReturnType<typeof spawnGroup>>;
      const dir = groupDirs().find((d) => d.startsWith('limited@'));
      expect(dir).toBeDefined();
      expect((await import('node:fs')).readFileSync(`${found.ok ? found.base.dir : ''}/${dir}/pids.max`, 'latin1').trim()).toBe('10');
      await group.kill();
    } else {
      // Checked against the backend's capabilities before any directory exists.
      expect(outcome).toMatchObject({ code: 'ERR_PG_INVALID_OPTION', option: 'limits.pids', message: expect.stringContaining('pids') });
    }
    expect(groupDirs().filter((d) => d.startsWith('limited@'))).toEqual([]);
  });
});
