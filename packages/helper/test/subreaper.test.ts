// --subreaper: every orphan of the leader's tree reparents to the helper, which reaps them all
// and exits only when none is left; without it the helper ends with the leader.
import { afterEach, describe, expect, it } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { startHelper } from '../src/index.js';
import { alive, cleanup, collect, descendants, options, procStat, track, trackProcs, until } from './helpers.js';

afterEach(cleanup);

describe('subreaper', () => {
  it('reports the leader\'s exit but lives while a setsid daemon does', async () => {
    const h = track(await startHelper(options('/bin/sh', ['-c', '(setsid sleep 30 &); exit 3'], { subreaper: true })));
    expect(await h.leaderExit).toEqual({ code: 3, signal: null });
    const helper = h.child.pid as number;
    await until(() => descendants(helper).some((p) => p.state !== 'Z'), 'the daemon to reparent to the helper');
    const [daemon, ...others] = descendants(helper).filter((p) => p.state !== 'Z');
    expect(others).toEqual([]);
    if (daemon === undefined) throw new Error('no daemon');
    expect(daemon.ppid).toBe(helper);
    trackProcs([daemon]);
    await sleep(300);
    expect(h.child.exitCode).toBe(null);
    expect(alive(daemon)).toBe(true);
    process.kill(daemon.pid, 'SIGTERM');
    // The helper ends like the leader did, once nothing is left.
    expect(await h.exited).toEqual({ code: 3, signal: null });
  });

  it('leaves no zombie: orphans are reaped as they end', async () => {
    // The leader waits for its stdin to close: it outlives the orphans however loaded the host is.
    const script = 'for i in 1 2 3 4 5; do (sleep 0.1 &); done; echo spawned; read line || exit 0';
    const h = track(await startHelper(options('/bin/sh', ['-c', script], { subreaper: true, stdio: ['pipe', 'pipe', 'inherit'] })));
    const out = collect(h.child.stdout);
    const helper = h.child.pid as number;
    await until(() => out.text() === 'spawned\n', 'the orphans');
    // Wait until the five short sleeps have ended; only the leader remains.
    await until(() => descendants(helper).filter((p) => p.state !== 'Z').length === 1, 'the orphans to end');
    for (let i = 0; i < 10; i++) {
      await sleep(20);
      expect(descendants(helper).filter((p) => p.state === 'Z')).toEqual([]);
    }
    h.child.stdin?.end();
    expect(await h.exited).toEqual({ code: 0, signal: null });
  });

  it('without --subreaper the helper ends with the leader; orphans go elsewhere', async () => {
    const h = track(await startHelper(options('/bin/sh', ['-c', '(setsid sleep 30 >/dev/null & echo $!); exit 4'], { stdio: ['ignore', 'pipe', 'inherit'] })));
    const out = collect(h.child.stdout);
    await out.ended;
    const pid = Number(out.text());
    const stat = procStat(pid);
    if (stat === undefined) throw new Error('daemon not found');
    trackProcs([{ pid, start: stat.start }]);
    expect(await h.exited).toEqual({ code: 4, signal: null });
    expect(alive({ pid, start: stat.start })).toBe(true);
  });
});
