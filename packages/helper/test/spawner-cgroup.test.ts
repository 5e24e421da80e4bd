// The spawner in a cgroup: each leader is created inside its group's cgroup by clone3
// (CLONE_INTO_CGROUP), and the owner's death (SIGKILL) kills every group not kept and removes
// its directory, while a kept group runs on. Needs root and cgroup.kill: skipped elsewhere.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { HelperError, closeSpawner } from '../src/index.js';
import { cgroupOf, freshCgroup, procs, removeCgroups, supported } from './cgroups.js';
import { alive, collect, fixture, helperPath, procStat, trackProcs, cleanup, until, type Proc } from './helpers.js';
import { killLeaders, leader } from './spawner-helpers.js';

afterEach(async () => {
  await killLeaders();
  await cleanup();
  await removeCgroups();
});
afterAll(closeSpawner);

describe.skipIf(!supported)('spawner and cgroups', () => {
  it('the leader is born in its cgroup; the spawner stays outside', async () => {
    const dir = freshCgroup();
    const l = await leader({ file: '/bin/sh', args: ['-c', "grep '^0::' /proc/self/cgroup; exit 4"], cgroupDir: dir, stdio: ['ignore', 'pipe', 'inherit'] });
    const out = collect(l.stdout);
    expect(await l.exited).toEqual({ code: 4, signal: null });
    await out.ended;
    const own = cgroupOf(process.pid);
    expect(out.text()).toBe(`0::${own === '/' ? '' : own}/${dir.slice(dir.lastIndexOf('/') + 1)}\n`);
    expect(procs(dir)).toEqual([]);
  });

  it('a missing cgroup directory: a HelperError naming the step, nothing started', async () => {
    const error = await leader({ file: '/bin/true', args: [], cgroupDir: '/nonexistent-cgroup' }).catch((e: unknown) => e);
    expect(HelperError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'ENOENT', syscall: 'cgroup' });
  });

  it('a directory that is not a cgroup: clone3 refuses, reported as such', async () => {
    const error = await leader({ file: '/bin/true', args: [], cgroupDir: '/tmp' }).catch((e: unknown) => e);
    expect(HelperError.isInstance(error)).toBe(true);
    expect((error as HelperError).syscall).toBe('clone3');
  });

  async function startOwner(dir: string, policy: 'kill' | 'keep') {
    const owner = spawn(process.execPath, [fixture('spawner-owner.mjs'), dir, policy, helperPath()], { stdio: ['ignore', 'pipe', 'inherit'] });
    const out = collect(owner.stdout);
    await until(() => out.text().endsWith('\n') || owner.exitCode !== null, 'the owner to start its tree');
    const { spawner } = JSON.parse(out.text()) as { spawner: number; leader: number };
    const spawnerProc: Proc = { pid: spawner, start: procStat(spawner)?.start ?? -1 };
    await until(() => procs(dir).length === 3, 'three members in the cgroup');
    const members: Proc[] = procs(dir).map((pid) => ({ pid, start: procStat(pid)?.start ?? -1 }));
    trackProcs([...members, spawnerProc]);
    return { owner, spawnerProc, members };
  }

  it('owner SIGKILLed: cgroup.kill of its group (a setsid daemon included), the directory removed, the spawner gone', async () => {
    const dir = freshCgroup();
    const { owner, spawnerProc, members } = await startOwner(dir, 'kill');
    owner.kill('SIGKILL');
    await once(owner, 'exit');
    await until(() => members.every((m) => !alive(m)) && !alive(spawnerProc), 'the group and the spawner to end', 15_000);
    await until(() => !existsSync(dir), 'the directory to be removed', 15_000);
  });

  it("owner SIGKILLed with 'keep': the group runs on in its cgroup", async () => {
    const dir = freshCgroup();
    const { owner, spawnerProc, members } = await startOwner(dir, 'keep');
    owner.kill('SIGKILL');
    await once(owner, 'exit');
    await until(() => !alive(spawnerProc), 'the spawner to end', 15_000);
    await sleep(200);
    expect(members.filter((m) => !alive(m))).toEqual([]);
    expect(procs(dir)).toHaveLength(3);
    writeFileSync(join(dir, 'cgroup.kill'), '1');
  });
});
