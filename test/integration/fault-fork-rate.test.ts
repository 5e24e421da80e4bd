// Fault: the group forks faster than a naive scan can follow (fork chains whose every process
// forks its successor and exits). kill() must still end with zero members and nothing alive.
import { afterEach, describe, expect, it } from 'vitest';
import { spawnGroup } from '@pg/core';
import { backendsToTest, disposeGroups, findByToken, fixture, treeByToken, newToken, reap, requireCgroup, settled, track, until } from '../fixtures/fault-harness.js';

let token: string | undefined;

afterEach(async () => {
  await disposeGroups();
  if (token !== undefined) await reap(token);
  token = undefined;
});

for (const backend of backendsToTest()) {
  describe(`fault: fork rate outpaces a naive scan [${backend}]`, () => {
    it('kill() ends at zero members, and no process of the group is alive', async () => {
      if (backend === 'cgroup') requireCgroup();
      token = newToken();
      const group = track(await spawnGroup(fixture('fault-fork-storm.sh'), [token], { backend, stdio: 'ignore' }));
      const t = token;
      // The chains are running when chain processes (argv: the script, TOKEN, hops left) show up.
      await until(() => treeByToken(t).filter((p) => p.pid !== group.leader!.pid).length >= 6, 'the fork chains to run');
      const killed = await settled(group.kill(), 'kill() of a forking group', 30_000);
      expect(killed).toEqual({ ok: true, value: undefined });
      expect(await group.members()).toEqual([]);
      expect(findByToken(t)).toEqual([]);
    });
  });
}
