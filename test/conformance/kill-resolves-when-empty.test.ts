import { expect, it } from 'vitest';
import { alive, fixture, forEachBackend, start, until } from './harness.js';

forEachBackend('kill resolves only once empty', (backend) => {
  it('leaves no live member when it resolves', async () => {
    const group = await start(backend, fixture('spawn-tree.sh'), ['3']);
    await until(async () => (await group.members()).length >= 7, 'seven members');
    const pids = (await group.members()).map((m) => m.pid);
    await group.kill();
    for (const pid of pids) expect(await alive(pid), `pid ${pid} alive after kill()`).toBe(false);
    expect(await group.members()).toEqual([]);
    expect(group.closed).toBe(true);
  });
});
