// Fault: members that cannot act on a signal right now: stopped with SIGSTOP (every backend), or
// in a frozen cgroup (cgroup.freeze = 1, cgroup backend). stop() must still end the group:
// SIGTERM, SIGCONT, then SIGKILL after the timeout for the member that ignores SIGTERM.
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnGroup, type BackendName, type ProcessGroup } from '@pg/core';
import { stateOf } from '@pg/procfs';
import { alive, backendsToTest, cgroupSkip, dirOf, disposeGroups, findByToken, fixture, newToken, reap, requireCgroup, settled, track, until } from '../fixtures/fault-harness.js';

let token: string | undefined;

afterEach(async () => {
  await disposeGroups();
  if (token !== undefined) await reap(token);
  token = undefined;
});

/** Starts the stopped-tree fixture and returns the pids of its sleeper and its SIGTERM-ignorer. */
async function startTree(backend: BackendName): Promise<{ group: ProcessGroup; pids: number[] }> {
  token = newToken();
  const group = track(await spawnGroup(fixture('fault-stopped-tree.sh'), [token], { backend, stdio: ['ignore', 'pipe', 'inherit'] }));
  const lines = createInterface({ input: group.leader!.stdout! });
  for await (const line of lines) {
    const m = /^pids (\d+) (\d+)$/.exec(line);
    if (m) {
      lines.close();
      return { group, pids: [Number(m[1]), Number(m[2])] };
    }
  }
  throw new Error('the fixture closed stdout before printing its pids');
}

/** State letter of a process from /proc/PID/stat (T = stopped). */
const state = (pid: number): string => {
  return stateOf(pid) ?? '';
};

for (const backend of backendsToTest()) {
  describe(`fault: members stopped with SIGSTOP receive stop() [${backend}]`, () => {
    it('stop() ends the group, the SIGTERM-ignoring member by SIGKILL after the timeout', async () => {
      if (backend === 'cgroup') requireCgroup();
      const { group, pids } = await startTree(backend);
      for (const pid of pids) process.kill(pid, 'SIGSTOP');
      await until(() => pids.every((pid) => state(pid) === 'T'), 'both members to be stopped');
      const stopped = await settled(group.stop({ timeout: 500 }), 'stop() of a group with stopped members');
      expect(stopped.ok).toBe(true);
      for (const pid of pids) expect(alive(pid)).toBe(false);
      expect(findByToken(token!)).toEqual([]);
    });
  });
}

describe.skipIf(cgroupSkip !== undefined)(`fault: a frozen group receives stop() [cgroup]${cgroupSkip ? ` (skipped: ${cgroupSkip})` : ''}`, () => {
  it('stop() ends a group frozen from outside (cgroup.freeze = 1)', async () => {
    requireCgroup();
    const { group, pids } = await startTree('cgroup');
    const dir = dirOf(group.id);
    writeFileSync(`${dir}/cgroup.freeze`, '1');
    await until(() => /^frozen 1$/m.test(readFileSync(`${dir}/cgroup.events`, 'latin1')), 'the group to be frozen');
    const stopped = await settled(group.stop({ timeout: 500 }), 'stop() of a frozen group');
    expect(stopped.ok).toBe(true);
    for (const pid of pids) expect(alive(pid)).toBe(false);
    expect(findByToken(token!)).toEqual([]);
  });
});
