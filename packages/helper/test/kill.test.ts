// The owner-death kill (closeControl(), as when the owner dies): the whole group dies, escapers
// included, and the helper then exits. While the owner lives, core does every kill.
import { afterEach, describe, expect, it } from 'vitest';
import { startHelper } from '../src/index.js';
import { alive, cleanup, collect, descendants, fixture, options, track, until } from './helpers.js';

afterEach(cleanup);

describe('the owner-death kill', () => {
  it('kills setsid daemons, setpgid children, a stopped member and a forking loop (subreaper)', async () => {
    const h = track(await startHelper(options('/bin/sh', [fixture('hostile-tree.sh')], { subreaper: true, stdio: ['ignore', 'pipe', 'inherit'] })));
    const out = collect(h.child.stdout);
    await until(() => out.text() === 'ready\n', 'the tree to be ready');
    const helper = h.child.pid as number;
    const members = () => descendants(helper).filter((p) => p.state !== 'Z');
    // 5 daemons and 3 setpgid children in groups of their own, plus the leader's: 9 groups, one
    // member stopped, the daemons adopted by the helper.
    await until(() => {
      const now = members();
      return new Set(now.map((p) => p.pgid)).size >= 9 && now.some((p) => p.state === 'T') && now.filter((p) => p.ppid === helper).length >= 6;
    }, 'the tree to spread out');
    const before = members();

    h.closeControl();
    expect(await h.leaderExit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(await h.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(before.filter(alive)).toEqual([]);
  });

  it('without a subreaper, kills the leader and what is still attached to it', async () => {
    const h = track(await startHelper(options('/bin/sh', ['-c', 'sleep 300 & sleep 300 & echo ready; wait'], { stdio: ['ignore', 'pipe', 'inherit'] })));
    const out = collect(h.child.stdout);
    await until(() => out.text() === 'ready\n', 'the tree');
    const before = descendants(h.child.pid as number);
    expect(before).toHaveLength(3);
    h.closeControl();
    expect(await h.exited).toEqual({ code: null, signal: 'SIGKILL' });
    await until(() => before.every((p) => !alive(p)), 'every member to die');
  });
});
