import { expect, it } from 'vitest';
import { distinctLines, forEachBackend, start } from './harness.js';

// A tree that survives the signal and keeps forking (shell loops that trap HUP, each starting a
// short sleep a hundred times a second) shows new members on every scan. A group signal must
// still resolve: what a member forks after it took the signal does not need it (a backend that
// cannot freeze or stop the tree tells those apart by start time), and it must reach both loops.
forEachBackend('group.signal to a tree that traps it and keeps forking', (backend) => {
  it('resolves, and every loop took the signal', async () => {
    const loop = 'while :; do sleep 0.01; done';
    const script = `(trap 'echo hup child' HUP; echo ready child; ${loop}) & trap 'echo hup leader' HUP; echo ready leader; ${loop}`;
    const group = await start(backend, '/bin/sh', ['-c', script]);
    expect(await distinctLines(group, /^ready (leader|child)$/, 2)).toEqual(['child', 'leader']);
    for (let round = 0; round < 3; round++) {
      await group.signal('SIGHUP');
      expect(await distinctLines(group, /^hup (leader|child)$/, 2)).toEqual(['child', 'leader']);
    }
  });
});
