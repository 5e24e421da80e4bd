import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { probe, spawnGroup } from '@pg/core';
import { alive, dirOf, disposeAll, fixture, livePidsIn, track, until } from './cgroup-helpers.js';
import { readStat } from '@pg/procfs';

const stateOf = (pid: number) => readStat(pid)?.state;
const pgidOf = (pid: number) => readStat(pid)?.pgid ?? Number.NaN;
const sessionOf = (pid: number) => {
  const sid = readStat(pid)?.sid;
  return sid === undefined ? undefined : String(sid);
};

const available = (await probe()).find((p) => p.backend === 'cgroup')?.available === true;

afterEach(disposeAll);

describe.skipIf(!available)('cgroup backend: kill a hostile tree', () => {
  it('kills setsid daemons, setpgid escapers, stopped members and a forking loop with zero survivors', async () => {
    const group = track(await spawnGroup(fixture('cgroup-hostile-tree.sh'), [], { backend: 'cgroup', name: 'hostile', stdio: ['ignore', 'pipe', 'inherit'] }));
    const lines = createInterface({ input: group.leader!.stdout! });
    for await (const line of lines) if (line === 'ready') break;
    lines.close();
    // Wait for the whole tree: the daemon and its child and the perl escaper as `sleep 1000`
    // (three), plus one stopped member (state T).
    const sleeps = async () => (await group.members()).filter((m) => m.command === 'sleep 1000');
    await until(async () => (await sleeps()).length >= 3 && (await group.members()).some((m) => stateOf(m.pid) === 'T'), 'the whole tree');
    const before = await group.members();
    // The setsid daemon left the session and the perl escaper its process group: still members.
    const sessions = new Set(before.map((m) => sessionOf(m.pid)).filter((s) => s !== undefined));
    expect(sessions.size).toBeGreaterThanOrEqual(2);
    expect(before.some((m) => pgidOf(m.pid) === m.pid && m.pid !== group.leader!.pid)).toBe(true);
    const dir = dirOf(group.id);
    expect(existsSync(dir)).toBe(true);

    await group.kill();

    // Every process seen before the kill is gone, and a full /proc scan finds none in the cgroup.
    for (const m of before) expect(alive(m.pid), `${m.pid} ${m.command}`).toBe(false);
    expect(livePidsIn(group.id)).toEqual([]);
    // Closing removed the directory.
    expect(existsSync(dir)).toBe(false);
  });

  it('stop() ends a tree whose members ignore nothing but are stopped: SIGTERM, SIGCONT, empty', async () => {
    const group = track(await spawnGroup('/bin/sh', ['-c', 'sleep 1000 & kill -STOP $! ; ( setsid sleep 1000 & ) ; echo ready; wait'], { backend: 'cgroup', stdio: ['ignore', 'pipe', 'inherit'] }));
    const lines = createInterface({ input: group.leader!.stdout! });
    for await (const line of lines) if (line === 'ready') break;
    lines.close();
    await until(async () => (await group.members()).length >= 3, 'three members');
    const before = await group.members();
    await group.stop({ timeout: 20_000 });
    for (const m of before) expect(alive(m.pid)).toBe(false);
    expect(existsSync(dirOf(group.id))).toBe(false);
  });
});
