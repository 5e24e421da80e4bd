import { expect, it } from 'vitest';
import { fixture, forEachBackend, start, until } from './harness.js';

forEachBackend('grandchildren are members', (backend) => {
  it('lists the leader, its children and their children', async () => {
    const group = await start(backend, fixture('spawn-tree.sh'), ['2']);
    // leader + 2 shells + 2 sleeps; a count alone can be reached early by forked copies that
    // have not exec'd yet, so wait for the two sleeps themselves.
    const sleeps = async () => (await group.members()).filter((m) => m.command === 'sleep 1000').length;
    await until(async () => (await sleeps()) === 2, 'both grandchildren');
    const members = await group.members();
    const pids = new Set(members.map((m) => m.pid));
    expect(pids.has(group.leader!.pid)).toBe(true);
    const grandchildren = members.filter((m) => m.ppid !== group.leader!.pid && m.pid !== group.leader!.pid);
    expect(grandchildren.length).toBeGreaterThanOrEqual(2);
    expect(grandchildren.every((g) => pids.has(g.ppid))).toBe(true);
    expect(members.filter((m) => m.command === 'sleep 1000')).toHaveLength(2);
  });
});
