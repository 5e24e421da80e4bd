// Fault: a group's cgroup directory is removed from outside. The test moves the members to a
// cgroup of its own (a populated cgroup cannot be removed: rmdir gives EBUSY) and removes the
// group's directory; the leader still lives, so the group is not empty and stays open. Then
// members(), kill() and openGroup(id) must reject with a "group gone" error, not hang.
import { mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { findCgroup2Mount } from '@pg/cgroup';
import { GroupGoneError, openGroup, spawnGroup } from '@pg/core';
import { cgroupSkip, dirOf, disposeGroups, fixture, treeByToken, newToken, reap, removeCgroup, requireCgroup, settled, track, until } from '../fixtures/fault-harness.js';

let token: string | undefined;
let parking: string | undefined;

afterEach(async () => {
  if (token !== undefined) await reap(token);
  if (parking !== undefined) await removeCgroup(parking);
  await disposeGroups();
  token = parking = undefined;
});

const procs = (dir: string): string[] => readFileSync(`${dir}/cgroup.procs`, 'latin1').split('\n').filter(Boolean);

function expectGone(outcome: { ok: boolean; error?: unknown }, what: string): void {
  expect(outcome.ok, `${what} should reject`).toBe(false);
  expect(GroupGoneError.isInstance(outcome.error) || (outcome.error as { code?: string }).code === GroupGoneError.code, `${what}: ${String(outcome.error)}`).toBe(true);
}

describe.skipIf(cgroupSkip !== undefined)(`fault: the group's cgroup directory was removed from outside${cgroupSkip ? ` (skipped: ${cgroupSkip})` : ''}`, () => {
  it('members(), kill() and openGroup() reject with a group-gone error instead of hanging', async () => {
    requireCgroup();
    token = newToken();
    const group = track(await spawnGroup(fixture('bench-tree.sh'), ['5', token], { backend: 'cgroup', stdio: 'ignore' }));
    await until(() => treeByToken(token!).length === 5, 'the tree to be forked');
    const dir = dirOf(group.id);
    parking = `${findCgroup2Mount().mountPoint}/pg-fault-parking-${process.pid}`;
    mkdirSync(parking);
    // Move every member out; a forked-but-not-yet-listed member shows up on the next read.
    await until(() => {
      for (const pid of procs(dir)) writeFileSync(`${parking}/cgroup.procs`, pid);
      return procs(dir).length === 0;
    }, 'every member to move out');
    rmdirSync(dir);

    expectGone(await settled(group.members(), 'members()'), 'members()');
    expectGone(await settled(group.kill(), 'kill()'), 'kill()');
    expectGone(await settled(openGroup(group.id), 'openGroup()'), 'openGroup()');
  });
});
