import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { listGroups, openGroup } from '@pg/core';
import { fixture, forEachBackend } from './harness.js';

const run = promisify(execFile);

forEachBackend('listGroups', (backend) => {
  it('finds a named group whose creator has exited, says it is orphaned, and it can be reclaimed', async () => {
    const name = `conformance-${backend}-${process.pid}`;
    const { stdout } = await run(process.execPath, [fixture('start-group.mjs'), backend, fixture('spawn-tree.sh'), '1'], {
      env: { ...process.env, GROUP_NAME: name },
    });
    const id = stdout.trim();
    let reclaimed = false;
    try {
      const found = (await listGroups()).find((g) => g.id === id);
      expect(found).toMatchObject({ backend, id, name, orphaned: true });
      expect(found!.memberCount).toBeGreaterThanOrEqual(1);
      const group = await openGroup(id);
      await group.kill();
      reclaimed = true;
      expect((await listGroups()).some((g) => g.id === id)).toBe(false);
    } finally {
      if (!reclaimed) await openGroup(id).then((g) => g.kill(), () => undefined);
    }
  });

  it('lists a live group of this process as not orphaned', async () => {
    const { spawnGroup } = await import('@pg/core');
    await using group = await spawnGroup('sleep', ['1000'], { backend, stdio: 'ignore', name: `live-${process.pid}` });
    const found = (await listGroups()).find((g) => g.id === group.id);
    expect(found).toMatchObject({ backend, ownerPid: process.pid, orphaned: false, memberCount: 1 });
  });
});
