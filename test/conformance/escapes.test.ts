import { expect, it } from 'vitest';
import { alive, fixture, forEachBackend, line, start, stray, until } from './harness.js';

forEachBackend(
  'processes that try to leave',
  (backend) => {
    it('five setsid daemons, three setpgid children, a stopped member and a busy forker are all members, and kill() leaves none alive', async () => {
      const group = await start(backend, fixture('escapers.sh'));
      const pids = new Map<string, number[]>();
      // Until every escaper has reported: the fixture's "ready" comes after a fixed pause, and on a
      // loaded machine a daemon can still be starting then.
      const expected: Record<string, number> = { daemon: 5, pgid: 3, stopped: 1, forker: 1 };
      const reported = () => Object.entries(expected).every(([kind, n]) => (pids.get(kind)?.length ?? 0) >= n);
      while (!reported()) {
        const [text, kind, pid] = await line(group, /^(?:(daemon|pgid|stopped|forker) (\d+)|ready)$/);
        if (text === 'ready') continue;
        const list = pids.get(kind as string) ?? [];
        list.push(Number(pid));
        pids.set(kind as string, list);
        stray(Number(pid));
      }
      expect([pids.get('daemon')?.length, pids.get('pgid')?.length, pids.get('stopped')?.length, pids.get('forker')?.length]).toEqual([5, 3, 1, 1]);
      const all = [...pids.values()].flat();
      // The forker may still be forking: wait until every reported process is seen as a member.
      await until(async () => {
        const members = new Set((await group.members()).map((m) => m.pid));
        return all.every((pid) => members.has(pid));
      }, 'every escaper to be listed as a member');
      await group.kill();
      expect(all.filter((pid) => alive(pid))).toEqual([]);
    });
  },
  ['daemonsStayMembers'],
);
