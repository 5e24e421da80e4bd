// Fault: the supervisor is SIGKILLed while its groups run. Another process must find them with
// listGroups() (orphaned: the owner is gone), reclaim them with openGroup().kill(), and leave
// nothing behind: no process (the setsid escaper included) and no cgroup directory.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { listGroups, openGroup } from '@pg/core';
import { alive, cgroupSkip, dirOf, disposeGroups, findByToken, fixture, treeByToken, newToken, reap, removeCgroup, requireCgroup, track, until } from '../fixtures/fault-harness.js';

let supervisor: ChildProcess | undefined;
let token: string | undefined;
let ids: string[] = [];

afterEach(async () => {
  if (supervisor?.pid !== undefined && alive(supervisor.pid)) supervisor.kill('SIGKILL');
  await disposeGroups();
  if (token !== undefined) await reap(token);
  for (const id of ids) await removeCgroup(dirOf(id));
  supervisor = token = undefined;
  ids = [];
});

describe.skipIf(cgroupSkip !== undefined)(`fault: supervisor SIGKILLed with groups running${cgroupSkip ? ` (skipped: ${cgroupSkip})` : ''}`, () => {
  it('another process lists the groups as orphaned, reclaims them, and nothing is left', async () => {
    requireCgroup();
    token = newToken();
    // Two groups of 10 live processes each, one of them a `setsid -f` escaper (bench-tree.sh).
    supervisor = spawn(process.execPath, [fixture('fault-supervisor.mjs'), '2', fixture('bench-tree.sh'), '10', token], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    supervisor.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    await until(() => out.includes('ready\n') || supervisor!.exitCode !== null, 'the supervisor to start its groups');
    ids = [...out.matchAll(/^group (.+)$/gm)].map((m) => m[1]!);
    expect(ids).toHaveLength(2);
    // 20 processes carry the token in their argv, plus the supervisor itself (its own argv).
    await until(() => treeByToken(token!).filter((p) => p.pid !== supervisor!.pid).length === 20, 'both trees to be fully forked');

    const ownerPid = supervisor.pid;
    supervisor.kill('SIGKILL');
    await once(supervisor, 'exit');

    const listed = (await listGroups()).filter((g) => ids.includes(g.id));
    expect(listed).toHaveLength(2);
    for (const g of listed) expect(g).toMatchObject({ backend: 'cgroup', ownerPid, orphaned: true, memberCount: 10 });

    for (const id of ids) {
      const group = track(await openGroup(id));
      await group.kill();
      expect(existsSync(dirOf(id))).toBe(false);
    }
    expect(findByToken(token)).toEqual([]);
    expect((await listGroups()).some((g) => ids.includes(g.id))).toBe(false);
  });
});
