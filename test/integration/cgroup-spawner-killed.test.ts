// With the clone3 placement, this process's pg-helper spawner creates every cgroup leader and
// holds the groups' lifeline. If the spawner is SIGKILLed, every group it held says so
// (`spawnerLost`, a SpawnerLostError naming it), pg kills the groups that were to die with their
// owner (it can still reach them), leaves kept groups running, and the next spawnGroup starts a
// new spawner.
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { probe, spawnGroup, SpawnerLostError } from '@pg/core';
import { alive, dirOf, disposeAll, track, until } from './cgroup-helpers.js';

const cgroup = (await probe()).find((p) => p.backend === 'cgroup');
const clone3 = cgroup?.available === true && /clone3/.test(cgroup.reason);

afterEach(disposeAll);

const parentOf = (pid: number): number => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);

describe.skipIf(!clone3)('cgroup groups whose spawner is killed', () => {
  it("say so; 'kill' groups are killed and removed, 'keep' groups run on; the next spawn starts a new spawner", async () => {
    const doomed = track(await spawnGroup('/bin/sleep', ['1000'], { backend: 'cgroup', stdio: 'ignore' }));
    const kept = track(await spawnGroup('/bin/sleep', ['1000'], { backend: 'cgroup', stdio: 'ignore', onOwnerExit: 'keep' }));
    const spawner = parentOf(doomed.leader!.pid);
    expect(spawner).not.toBe(process.pid);
    expect(parentOf(kept.leader!.pid)).toBe(spawner);
    expect(readFileSync(`/proc/${spawner}/cmdline`, 'latin1').split('\0').slice(0, 2)).toEqual(['pg-helper', '--spawner']);

    process.kill(spawner, 'SIGKILL');
    const [lostDoomed, lostKept] = await Promise.all([doomed.spawnerLost, kept.spawnerLost]);
    for (const lost of [lostDoomed, lostKept]) {
      expect(SpawnerLostError.isInstance(lost)).toBe(true);
      expect(lost.message).toContain(`spawner (pid ${spawner}) ended with signal SIGKILL`);
    }
    await doomed.empty;
    expect(existsSync(dirOf(doomed.id))).toBe(false);
    expect(await doomed.leader!.exited).toMatchObject({ code: null });

    expect(alive(kept.leader!.pid)).toBe(true);
    expect((await kept.members()).map((m) => m.pid)).toEqual([kept.leader!.pid]);

    const next = track(await spawnGroup('/bin/sh', ['-c', 'exit 6'], { backend: 'cgroup', stdio: 'ignore' }));
    expect(await next.leader!.exited).toEqual({ code: 6, signal: null });
    await until(() => !alive(spawner), 'the old spawner to be gone');

    await kept.kill();
    expect(existsSync(dirOf(kept.id))).toBe(false);
  });
});
