// `pg ls` shows a group as orphaned once the `pg run` that created it is SIGKILLed, and the
// group can still be found by name and reclaimed with `pg kill`. Needs a backend that can list
// its groups (cgroup): when it is not available this test FAILS with the probe's reason.
import { afterEach, describe, expect, it } from 'vitest';
import { cgroupAvailable, killGroup, killPid, PG, pg, start, waitForOutput, isAlive } from '../fixtures/cli-harness.js';

const groups: string[] = [];
const started: number[] = [];
afterEach(async () => {
  for (const pid of started.splice(0)) killPid(pid);
  for (const id of groups.splice(0)) await killGroup(id);
});

type Info = { id: string; backend: string; name: string | null; ownerPid: number | null; orphaned: boolean; memberCount: number };

async function ls(): Promise<Info[]> {
  const r = await pg(['ls', '--json']);
  expect(r.exitCode).toBe(0);
  return JSON.parse(r.stdout) as Info[];
}

describe('pg ls', () => {
  it('shows a group run with --keep as orphaned after its supervisor is SIGKILLed', async () => {
    const cgroup = await cgroupAvailable();
    expect(cgroup.available, `the cgroup backend is not available here yet: ${cgroup.reason}`).toBe(true);

    const name = `cli-ls-${process.pid}`;
    const run = start(process.execPath, [PG, 'run', '--keep', '--backend', 'cgroup', '--name', name, '--', 'sh', '-c', 'echo ready $$; exec sleep 1000 >/dev/null 2>&1']);
    started.push(run.pid as number);
    const leader = Number((await waitForOutput(run, /ready (\d+)/))[1]);
    started.push(leader);

    const before = (await ls()).find((g) => g.name === name);
    expect(before).toMatchObject({ backend: 'cgroup', ownerPid: run.pid, orphaned: false, memberCount: 1 });
    groups.push((before as Info).id);

    // The leader no longer holds pg's stdout, so the pipe closes when pg dies.
    run.kill('SIGKILL');
    expect((await run).signal).toBe('SIGKILL');
    const after = (await ls()).find((g) => g.name === name);
    expect(after).toMatchObject({ id: before?.id, orphaned: true, memberCount: 1 });
    expect(isAlive(leader)).toBe(true);

    const human = await pg(['ls']);
    expect(human.stdout).toMatch(new RegExp(`${name}.*orphaned`));

    // Reclaim it by name.
    const killed = await pg(['kill', name]);
    expect(killed.stderr).toBe('');
    expect(killed.exitCode).toBe(0);
    expect(isAlive(leader)).toBe(false);
    expect((await ls()).find((g) => g.name === name)).toBeUndefined();
  });
});
