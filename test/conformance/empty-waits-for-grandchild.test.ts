import { expect, it } from 'vitest';
import { fixture, forEachBackend, line, settlesWithin, start, stray } from './harness.js';

forEachBackend('empty waits for every member', (backend) => {
  it('does not settle while a grandchild outlives the leader, and settles when it exits', async () => {
    const group = await start(backend, fixture('orphan-grandchild.sh'));
    const [, pid] = await line(group, /^orphan (\d+)$/);
    const orphan = Number(pid);
    stray(orphan);
    const exit = await group.leader!.exited;
    expect(exit.code).toBe(0);
    // The leader is gone; the orphan is still a member, so the group is not empty.
    expect((await group.members()).map((m) => m.pid)).toContain(orphan);
    expect(await settlesWithin(group.empty, 200)).toBe(false);
    process.kill(orphan, 'SIGKILL');
    await group.empty;
    expect(await group.members()).toEqual([]);
  });
});
