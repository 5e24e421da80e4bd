import { expect, it } from 'vitest';
import { freshMark, markedPids } from '../helpers/marked.js';
import { fixture, forEachBackend, line, settlesWithin, start, stray } from './harness.js';

const ROUNDS = 4;

// Nothing in the fixture calls setsid(), so even the posix backend must leave nothing behind.
forEachBackend('kill() while the tree still forks', (backend) => {
  it(`resolves every time and leaves no member alive (${ROUNDS} rounds: setpgid children mid-exec, a stopped member, forking loops)`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const mark = freshMark();
      const group = await start(backend, fixture('still-forking-tree.sh'), [], { env: { ...process.env, [mark.name]: mark.value } });
      // Half the rounds kill at once, half once the shell has started everything.
      if (round % 2 === 1) await line(group, /^ready$/);
      const killed = group.kill();
      const settled = await settlesWithin(killed, 45_000);
      const left = markedPids(mark);
      for (const pid of left) stray(pid);
      expect(settled).toBe(true);
      await killed;
      expect(left).toEqual([]);
    }
  });
});
