// requestKill(): the whole group dies, escapers included, and the helper then exits.
import { afterEach, describe, expect, it } from 'vitest';
import { startHelper } from '../src/index.js';
import { alive, cleanup, collect, descendants, fixture, options, track, until } from './helpers.js';

afterEach(cleanup);

describe('requestKill', () => {
  it('kills setsid daemons, setpgid children, a stopped member and a forking loop (subreaper)', async () => {
    const h = track(await startHelper(options('/bin/sh', [fixture('hostile-tree.sh')], { subreaper: true, stdio: ['ignore', 'pipe', 'inherit'] })));
    const out = collect(h.child.stdout);
    await until(() => out.text() === 'ready\n', 'the tree to be ready');
    const helper = h.child.pid as number;
    const members = () => descendants(helper).filter((p) => p.state !== 'Z');
    // 5 daemons, 3 setpgid children, 1 stopped, the loop, the leader (+ the loop's short sleeps).
    await until(() => members().filter((p) => p.ppid === helper).length >= 9, 'the daemons to reparent');
    const before = members();
    const pgids = new Set(before.map((p) => p.pgid));
    expect(pgids.size).toBeGreaterThanOrEqual(9); // really spread over process groups
    expect(before.some((p) => p.state === 'T')).toBe(true);

    expect(h.requestKill()).toBe(true);
    expect(await h.leaderExit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(await h.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(before.filter(alive)).toEqual([]);
    expect(h.requestKill()).toBe(false);
  });

  it('without a subreaper, kills the leader and what is still attached to it', async () => {
    const h = track(await startHelper(options('/bin/sh', ['-c', 'sleep 300 & sleep 300 & echo ready; wait'], { stdio: ['ignore', 'pipe', 'inherit'] })));
    const out = collect(h.child.stdout);
    await until(() => out.text() === 'ready\n', 'the tree');
    const before = descendants(h.child.pid as number);
    expect(before).toHaveLength(3);
    h.requestKill();
    expect(await h.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await until(() => before.every((p) => !alive(p)), 'every member to die');
  });
});
