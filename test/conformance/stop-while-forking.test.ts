import { expect, it } from 'vitest';
import { freshMark, markedPids } from '../helpers/marked.js';
import { fixture, forEachBackend, line, settlesWithin, start, stray } from './harness.js';

forEachBackend('stop() of a group that keeps forking', (backend) => {
  it('resolves and leaves nothing, even where signal passes cannot keep up with the forks', async () => {
    const mark = freshMark();
    const group = await start(backend, fixture('busy-forkers.sh'), [], { env: { ...process.env, [mark.name]: mark.value } });
    await line(group, /^ready$/);
    const stopped = group.stop({ timeout: 2000 });
    const settled = await settlesWithin(stopped, 60_000);
    const left = markedPids(mark);
    for (const pid of left) stray(pid);
    expect(settled).toBe(true);
    await stopped;
    expect(left).toEqual([]);
  });
});
