// The flags `pg init` runs pg-helper with: --stop-after-leader MS (once the leader has exited, the
// rest of the group gets SIGTERM and SIGCONT, then SIGKILL after MS) and --signal-exit-code
// (128+N for a leader killed by signal N, as a shell or tini reports it). Run directly, as `pg`
// runs them, without a control socket.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { helperPath } from './helpers.js';

const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
});

/** Runs pg-helper with `flags` around `sh -c script`; resolves with its end and what the script printed. */
async function helper(flags: string[], script: string) {
  const child = spawn(helperPath(), [...flags, '--', '/bin/sh', '-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  started.push(child.pid as number);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  return { code, signal, out };
}

describe('init mode', () => {
  it('--stop-after-leader: a member that ignores SIGTERM is killed once the grace period is over, and the helper ends with the leader', async () => {
    const before = Date.now();
    const r = await helper(['--subreaper', '--forward', 'group', '--stop-after-leader', '300'], `trap '' TERM; (sleep 1000 & echo "member $!"); exit 3`);
    const member = Number(/member (\d+)/.exec(r.out)?.[1]);
    started.push(member);
    expect({ code: r.code, signal: r.signal }).toEqual({ code: 3, signal: null });
    expect(Date.now() - before).toBeGreaterThanOrEqual(300); // it waited out the grace period
    expect(() => process.kill(member, 0)).toThrow(/ESRCH/); // and the member was reaped, not just killed
  });

  it('--stop-after-leader: members that end on SIGTERM end at once', async () => {
    const r = await helper(['--subreaper', '--forward', 'group', '--stop-after-leader', '60000'], `(sleep 1000 & echo "member $!"); exit 4`);
    started.push(Number(/member (\d+)/.exec(r.out)?.[1]));
    expect(r.code).toBe(4);
  });

  it('--signal-exit-code: 128+N for a leader killed by signal N, instead of dying by it', async () => {
    expect(await helper(['--signal-exit-code'], 'kill -TERM $$')).toMatchObject({ code: 128 + 15, signal: null });
    expect(await helper([], 'kill -TERM $$')).toMatchObject({ code: null, signal: 'SIGTERM' });
  });

  it('refuses a grace period that is not a number of milliseconds', async () => {
    const r = await helper(['--stop-after-leader', 'soon'], 'exit 0');
    expect(r.code).toBe(125);
  });
});
