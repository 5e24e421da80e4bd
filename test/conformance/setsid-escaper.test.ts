import { expect, it } from 'vitest';
import { alive, fixture, forEachBackend, line, start, stray } from './harness.js';

forEachBackend('a double-forked setsid daemon', (backend) => {
  it('is a member and dies with the group where the backend guarantees it; else it escapes (the stated limit)', async () => {
    const group = await start(backend, fixture('daemonize.sh'));
    const [, pid] = await line(group, /^daemon (\d+)$/);
    const daemon = Number(pid);
    stray(daemon); // whatever happens below, afterEach kills it by pid
    const isMember = (await group.members()).some((m) => m.pid === daemon);
    await group.kill();
    if (group.guarantees.daemonsStayMembers) {
      expect(isMember).toBe(true);
      expect(await alive(daemon)).toBe(false);
    } else {
      // The posix limit, demonstrated: the daemon left the session and survives kill().
      expect(isMember).toBe(false);
      expect(await alive(daemon)).toBe(true);
      expect(group.guarantees.limits.join(' ')).toMatch(/setsid/);
    }
  });
});
