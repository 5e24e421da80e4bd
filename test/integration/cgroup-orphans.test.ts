import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { listGroups, openGroup, probe } from '@pg/core';
import { alive, dirOf, fixture, livePidsIn, track, disposeAll, until } from './cgroup-helpers.js';

const available = (await probe()).find((p) => p.backend === 'cgroup')?.available === true;
let supervisorPid: number | undefined;

afterEach(async () => {
  if (supervisorPid !== undefined && alive(supervisorPid)) process.kill(supervisorPid, 'SIGKILL');
  supervisorPid = undefined;
  await disposeAll();
});

describe.skipIf(!available)('cgroup backend: groups of a supervisor that was SIGKILLed', () => {
  it('are listed as orphaned, can be opened and killed, and leave no directory', async () => {
    const supervisor = spawn(process.execPath, [fixture('cgroup-supervisor.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
    supervisorPid = supervisor.pid;
    let out = '';
    supervisor.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    await until(() => out.includes('\n') || supervisor.exitCode !== null, 'the supervisor to start its group');
    const [ownerPid, id] = out.trim().split(' ') as [string, string];
    expect(Number(ownerPid)).toBe(supervisor.pid);

    // While the supervisor lives, its group is listed and not orphaned.
    const live = (await listGroups()).find((g) => g.id === id);
    expect(live).toMatchObject({ backend: 'cgroup', name: 'crashed', ownerPid: supervisor.pid, orphaned: false });

    supervisor.kill('SIGKILL');
    await once(supervisor, 'exit');
    // Its members live on in the cgroup, daemon included: the kernel does not care who created it.
    await until(() => livePidsIn(id).length >= 3, 'the orphaned members');
    const found = (await listGroups()).find((g) => g.id === id);
    expect(found).toMatchObject({ orphaned: true, ownerPid: supervisor.pid });
    expect(found!.memberCount).toBeGreaterThanOrEqual(3);

    const group = track(await openGroup(id));
    expect(group.backend).toBe('cgroup');
    const members = (await group.members()).map((m) => m.pid);
    await group.kill();
    for (const pid of members) expect(alive(pid)).toBe(false);
    expect(existsSync(dirOf(id))).toBe(false);
    expect((await listGroups()).some((g) => g.id === id)).toBe(false);
  });
});
