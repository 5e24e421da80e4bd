// Signals sent to the helper reach the leader (--forward leader) or every descendant (--forward
// group); the helper itself never stops on SIGTSTP/SIGTTIN/SIGTTOU.
import { afterEach, describe, expect, it } from 'vitest';
import { startHelper } from '../src/index.js';
import { alive, cleanup, collect, descendants, options, procStat, track, trackProcs, until } from './helpers.js';

afterEach(cleanup);

const FORWARDED = ['SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH', 'SIGCONT', 'SIGALRM', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU'] as const;

// Traps every forwarded signal and echoes its name; TERM ends it with 5. Bounded: 60 s at most.
const TRAPS = `${FORWARDED.map((s) => `trap 'echo ${s}' ${s.slice(3)};`).join(' ')} trap 'echo SIGTERM; exit 5' TERM; echo ready; i=0; while [ $i -lt 1200 ]; do sleep 0.05; i=$((i+1)); done`;

describe('signal forwarding', () => {
  it('every forwarded signal reaches the leader, by the same number', async () => {
    const h = track(await startHelper(options('/bin/sh', ['-c', TRAPS], { stdio: ['ignore', 'pipe', 'inherit'] })));
    const out = collect(h.child.stdout);
    await until(() => out.text() === 'ready\n', 'the leader to set its traps');
    const helper = h.child.pid as number;
    let expected = 'ready\n';
    for (const signal of FORWARDED) {
      process.kill(helper, signal);
      expected += `${signal}\n`;
      await until(() => out.text() === expected, `${signal} to reach the leader`);
      expect(procStat(helper)?.state).not.toBe('T');
    }
    process.kill(helper, 'SIGTERM');
    expect(await h.leaderExit).toEqual({ code: 5, signal: null });
    expect(await h.exited).toEqual({ code: 5, signal: null });
    expect(out.text()).toBe(`${expected}SIGTERM\n`);
  });

  // sh waits for a background sleep; SIGTERM without a trap ends sh. The sleep is reached only
  // when the helper forwards to the whole group.
  for (const forward of ['leader', 'group'] as const) {
    it(`--forward ${forward}`, async () => {
      const h = track(await startHelper(options('/bin/sh', ['-c', 'sleep 30 & echo $!; wait'], { stdio: ['ignore', 'pipe', 'inherit'], subreaper: true, forward })));
      const out = collect(h.child.stdout);
      await until(() => out.text().endsWith('\n'), 'the sleep pid');
      const sleepPid = Number(out.text());
      const [sleep] = descendants(h.child.pid as number).filter((p) => p.pid === sleepPid);
      if (sleep === undefined) throw new Error('sleep not found below the helper');
      trackProcs([sleep]);
      process.kill(h.child.pid as number, 'SIGTERM');
      expect(await h.leaderExit).toEqual({ code: null, signal: 'SIGTERM' });
      if (forward === 'group') {
        expect(await h.exited).toEqual({ code: null, signal: 'SIGTERM' });
        expect(alive(sleep)).toBe(false);
      } else {
        // The orphaned sleep now belongs to the helper, which waits for it.
        expect(alive(sleep)).toBe(true);
        expect(procStat(sleep.pid)?.ppid).toBe(h.child.pid);
        expect(h.child.exitCode).toBe(null);
      }
    });
  }
});
