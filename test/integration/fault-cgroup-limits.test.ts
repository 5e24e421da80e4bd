// Fault: the base cgroup pg creates groups under has reached `cgroup.max.descendants` or
// `cgroup.max.depth` (cgroup-v2.rst: mkdir then fails with EAGAIN). spawnGroup must reject with
// a clear ProcessGroupError, and nothing may be half-created: no new directory under the base,
// no process started. The limit is written on the real base (found as the parent directory of a
// holder group, which also keeps the base in place: pg removes an empty base) and restored in
// `finally`. The base lives under a parent cgroup of this test's own (`PG_CGROUP_PARENT`), so
// tests of other processes, which create groups under their own base, are never refused.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProcessGroupError, spawnGroup } from '@pg/core';
import { findCgroup2Mount } from '@pg/cgroup';
import { cgroupSkip, dirOf, disposeGroups, findByToken, fixture, newToken, reap, requireCgroup, settled, removeCgroup, subdirs, track } from '../fixtures/fault-harness.js';

let token: string | undefined;
let parent: string | undefined;
const parentBefore = process.env.PG_CGROUP_PARENT;

afterEach(async () => {
  await disposeGroups();
  if (token !== undefined) await reap(token);
  if (parent !== undefined) await removeCgroup(parent);
  if (parentBefore === undefined) delete process.env.PG_CGROUP_PARENT;
  else process.env.PG_CGROUP_PARENT = parentBefore;
  token = parent = undefined;
});

for (const [file, value] of [['cgroup.max.descendants', '0'], ['cgroup.max.depth', '0']] as const) {
  describe.skipIf(cgroupSkip !== undefined)(`fault: ${file} reached on the base${cgroupSkip ? ` (skipped: ${cgroupSkip})` : ''}`, () => {
    it('spawnGroup rejects with a clear error and creates nothing', async () => {
      requireCgroup();
      parent = `${findCgroup2Mount().mountPoint}/pg-fault-limits-${process.pid}`;
      mkdirSync(parent);
      process.env.PG_CGROUP_PARENT = parent;
      const holder = track(await spawnGroup(fixture('forever.sh'), [], { backend: 'cgroup', stdio: 'ignore' }));
      const base = dirname(dirOf(holder.id));
      const before = subdirs(base);
      const original = readFileSync(`${base}/${file}`, 'latin1').trim();
      token = newToken();
      let outcome;
      writeFileSync(`${base}/${file}`, value);
      try {
        outcome = await settled(spawnGroup('sleep', [`1000.${token}`], { backend: 'cgroup', stdio: 'ignore' }), 'spawnGroup under a full base');
      } finally {
        writeFileSync(`${base}/${file}`, original);
      }
      if (outcome.ok) track(outcome.value);
      expect(outcome.ok).toBe(false);
      const error = (outcome as { error: unknown }).error;
      expect(ProcessGroupError.isInstance(error)).toBe(true);
      const { code, errno, message } = error as ProcessGroupError;
      expect(code).toMatch(/^ERR_PG_/);
      // Clear: it says what happened (the kernel's EAGAIN, or the limit by name).
      expect(`${errno} ${message}`).toMatch(/EAGAIN|max\.(descendants|depth)|limit/i);
      expect(subdirs(base)).toEqual(before);
      expect(findByToken(token)).toEqual([]);
    });
  });
}
