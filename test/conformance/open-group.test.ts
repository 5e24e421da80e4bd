import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { openGroup } from '@pg/core';
import { alive, fixture, forEachBackend, until } from './harness.js';

const run = promisify(execFile);

forEachBackend('openGroup', (backend) => {
  it('attaches to a group another process started and left running, and kills it', async () => {
    // Another Node process starts the group, prints its id and exits without stopping it.
    const { stdout } = await run(process.execPath, [fixture('start-group.mjs'), backend, fixture('spawn-tree.sh'), '2']);
    const id = stdout.trim();
    const group = await openGroup(id);
    try {
      expect(group.id).toBe(id);
      expect(group.backend).toBe(backend);
      expect(group.leader).toBeUndefined();
      await until(async () => (await group.members()).length >= 5, 'five members');
      const pids = (await group.members()).map((m) => m.pid);
      await group.kill();
      for (const pid of pids) expect(await alive(pid)).toBe(false);
    } finally {
      await group[Symbol.asyncDispose]();
    }
  });

  it('rejects an id with no group behind it', async () => {
    const { stdout } = await run(process.execPath, [fixture('start-group.mjs'), backend, 'true']);
    const id = stdout.trim();
    await until(async () => (await openGroup(id).then((g) => g.kill().then(() => false), () => true)), 'the group to be gone');
    await expect(openGroup(id)).rejects.toMatchObject({ code: 'ERR_PG_GROUP_GONE' });
  });
});
