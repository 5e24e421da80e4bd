import { expect, it } from 'vitest';
import { spawnGroup } from '@pg/core';
import { alive, fixture, forEachBackend } from './harness.js';

forEachBackend('disposing', (backend) => {
  it('kills the group, and a second dispose is harmless', async () => {
    let leader = 0;
    {
      await using group = await spawnGroup(fixture('forever.sh'), [], { backend, stdio: ['ignore', 'pipe', 'inherit'] });
      leader = group.leader!.pid;
      const { createInterface } = await import('node:readline');
      for await (const text of createInterface({ input: group.leader!.stdout! })) if (text === 'ready') break;
      await group[Symbol.asyncDispose]();
      expect(await alive(leader)).toBe(false);
    } // `await using` disposes a second time here
    expect(await alive(leader)).toBe(false);
  });

  it('disposes a group whose members are all gone already', async () => {
    const group = await spawnGroup('true', [], { backend, stdio: 'ignore' });
    await group.empty;
    await group[Symbol.asyncDispose]();
    await group[Symbol.asyncDispose]();
    expect(group.closed).toBe(true);
  });
});
