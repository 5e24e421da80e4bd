// With the clone3 placement, pg-helper's exit is how pg learns a cgroup group is empty (it watches
// cgroup.events itself and exits once nothing is left), so pg keeps no inotify watch of its own.
// If the helper is killed while members remain, its exit says nothing: pg must then watch the
// group itself, and still see it empty when the last member goes, with nothing left behind.
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { probe, spawnGroup } from '@pg/core';
import { alive, dirOf, disposeAll, track, until } from './cgroup-helpers.js';

const cgroup = (await probe()).find((p) => p.backend === 'cgroup');
const clone3 = cgroup?.available === true && /clone3/.test(cgroup.reason);

afterEach(disposeAll);

describe.skipIf(!clone3)('cgroup group whose pg-helper is killed', () => {
  it('is still seen empty, and removed, once its last member exits', async () => {
    const group = track(await spawnGroup('/bin/sleep', ['1000'], { backend: 'cgroup', stdio: 'ignore' }));
    const leader = group.leader!;
    const helper = leader.process.pid as number;
    expect(leader.pid).not.toBe(helper);
    let empty = false;
    void group.empty.then(() => (empty = true));

    process.kill(helper, 'SIGKILL');
    await leader.exited; // reported from the helper's own end, since it sent no exit line
    await until(() => !alive(helper), 'the helper to be reaped');
    // Past the re-read window the leader's end starts (200 ms): only a watch can see it now.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(alive(leader.pid)).toBe(true);
    expect(empty).toBe(false);
    expect((await group.members()).map((m) => m.pid)).toEqual([leader.pid]);

    process.kill(leader.pid, 'SIGKILL');
    await group.empty;
    expect(existsSync(dirOf(group.id))).toBe(false);
  });
});
