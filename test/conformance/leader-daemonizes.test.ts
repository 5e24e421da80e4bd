import { expect, it } from 'vitest';
import { alive, forEachBackend, line, settlesWithin, start, stray } from './harness.js';

forEachBackend(
  'a leader that daemonizes and exits',
  (backend) => {
    it('leaves the group non-empty until its setsid daemon exits', async () => {
      const group = await start(backend, '/bin/sh', ['-c', `(setsid sh -c 'echo "daemon $$"; exec sleep 1000' &); exit 0`]);
      const daemon = Number((await line(group, /^daemon (\d+)$/))[1]);
      stray(daemon);
      expect(await group.leader!.exited).toEqual({ code: 0, signal: null });
      expect((await group.members()).map((m) => m.pid)).toEqual([daemon]);
      expect(await settlesWithin(group.empty, 300)).toBe(false);
      process.kill(daemon, 'SIGKILL');
      await group.empty;
      expect(alive(daemon)).toBe(false);
    });
  },
  ['daemonsStayMembers'],
);
