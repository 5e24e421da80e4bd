// `pg run` in the foreground: signals reach the whole group (a grandchild too), the leader's
// status is pg's status, and what the leader leaves behind is stopped unless --keep.
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, groupOf, isAlive, killGroup, killPid, PG, pg, start, waitForOutput } from '../fixtures/cli-harness.js';

const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) killPid(pid);
});

describe('pg run (foreground)', () => {
  it('forwards SIGTERM to a grandchild and exits with the leader status', async () => {
    const run = start(process.execPath, [PG, 'run', '--', process.execPath, fixture('cli-signal-tree.mjs'), '42']);
    started.push(run.pid as number);
    const [, leader, child] = (await waitForOutput(run, /ready (\d+) (\d+)/)).map(Number);
    started.push(leader as number, child as number);
    run.kill('SIGTERM');
    const r = await run;
    expect(r.stdout).toMatch(/^child got SIGTERM$/m);
    expect(r.stdout).toMatch(/^leader got SIGTERM$/m);
    expect(r.exitCode).toBe(42);
    expect(isAlive(child as number)).toBe(false);
  });

  it('exits with 128+N when signal N kills the leader', async () => {
    const run = start(process.execPath, [PG, 'run', '--', process.execPath, fixture('cli-signal-tree.mjs'), 'die']);
    started.push(run.pid as number);
    const [, leader, child] = (await waitForOutput(run, /ready (\d+) (\d+)/)).map(Number);
    started.push(leader as number, child as number);
    run.kill('SIGTERM');
    const r = await run;
    expect(r.stdout).toMatch(/^child got SIGTERM$/m);
    expect(r.exitCode).toBe(128 + 15);
  });

  it('passes the exit code through and stops what the leader left running', async () => {
    const r = await pg(['run', '--stop-timeout', '10000', '--', 'sh', '-c', 'sleep 1000 & echo $!; exit 7']);
    const sleeper = Number(r.stdout.trim());
    started.push(sleeper);
    expect(r.exitCode).toBe(7);
    expect(sleeper).toBeGreaterThan(0);
    expect(isAlive(sleeper)).toBe(false);
  });

  it('with --keep leaves the rest of the group running', async () => {
    // The sleeper must not hold pg's stdout pipe, or reading it would wait for the sleeper.
    const r = await pg(['run', '--keep', '--', 'sh', '-c', 'sleep 1000 >/dev/null 2>&1 & echo $!; exit 0']);
    const sleeper = Number(r.stdout.trim());
    started.push(sleeper);
    expect(r.exitCode).toBe(0);
    expect(isAlive(sleeper)).toBe(true);
    // Kill the group that was kept, which also removes what it created (a cgroup directory).
    const id = await groupOf(sleeper);
    expect(id).toBeDefined();
    await killGroup(id as string);
    expect(isAlive(sleeper)).toBe(false);
  });
});
