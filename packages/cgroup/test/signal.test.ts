import { constants } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { signalPass } from '../src/index.js';
import { cleanup, freshGroup, spawnIn } from './helpers.js';
import { stateOf } from '@pg/procfs';

afterEach(cleanup);

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('signalPass over a frozen group', () => {
  it('delivers a handled signal to every member, daemons included, and thaws afterwards', async () => {
    const group = freshGroup('hup');
    // Three shells (one a setsid daemon) that trap SIGHUP; each says "ready PID" once its trap is
    // installed, so no SIGHUP can arrive before the handler (its default action would kill).
    const script = 'trap "echo hup \\$\\$" HUP; echo ready $$; while :; do sleep 0.05; done';
    const child = await spawnIn(group, '/bin/sh', ['-c', `(setsid /bin/sh -c '${script}' &); /bin/sh -c '${script}' & ${script}`], ['ignore', 'pipe', 'ignore']);
    let out = '';
    child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
    const distinct = (word: string) => new Set(out.match(new RegExp(`${word} \\d+`, 'g')) ?? []).size;
    await until(() => distinct('ready') >= 3, 'three traps installed');
    await group.freeze();
    expect(group.events().frozen).toBe(true);
    const signalled = new Set<string>();
    expect(signalPass(group, constants.signals.SIGHUP, signalled)).toBeGreaterThanOrEqual(3);
    // Frozen: nothing new can appear, and what was signalled is not signalled twice.
    expect(signalPass(group, constants.signals.SIGHUP, signalled)).toBe(0);
    group.thaw();
    expect(group.freezeRequested()).toBe(false); // thawed
    // The setsid daemon writes to the same pipe (inherited fd 1): all three shells ran their trap.
    await until(() => distinct('hup') >= 3, 'three traps to run');
  });

  it('cgroup.kill takes stopped members too', async () => {
    const group = freshGroup('stopped');
    const child = await spawnIn(group, '/bin/sleep', ['60']);
    process.kill(child.pid, 'SIGSTOP');
    await until(() => stateOf(child.pid) === 'T', 'the stop');
    group.kill();
    const empty = group.waitUntilEmpty();
    empty.kick();
    expect((await empty).populated).toBe(false);
  });

  it('refuses an unknown signal before signalling anyone', async () => {
    const group = freshGroup('badsig');
    const child = await spawnIn(group, '/bin/sleep', ['60']);
    const signalled = new Set<string>();
    expect(() => signalPass(group, 4.5, signalled)).toThrow(TypeError);
    expect(signalled.size).toBe(0);
    expect(['R', 'S', 'D']).toContain(stateOf(child.pid)); // alive, not stopped or killed
  });
});
