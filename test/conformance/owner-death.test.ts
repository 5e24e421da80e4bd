import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterEach, expect, it } from 'vitest';
import { listGroups, openGroup, spawnGroup, UnsupportedError } from '@pg/core';
import { alive, fixture, forEachBackend, stray, until } from './harness.js';

const supervisors: ChildProcess[] = [];
afterEach(() => {
  for (const s of supervisors.splice(0)) if (s.exitCode === null && s.signalCode === null) s.kill('SIGKILL');
});

/** Starts a supervisor that creates a group, and reads the group it made. */
async function supervisor(backend: string, mode: 'kill' | 'keep' | 'default') {
  const child = spawn(process.execPath, [fixture('owner-dies.mjs'), backend, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  supervisors.push(child);
  for await (const line of createInterface({ input: child.stdout! })) {
    const m = /^group (\S+) (\d+) (\d+)$/.exec(line);
    if (m) {
      const [leader, daemon] = [Number(m[2]), Number(m[3])];
      stray(leader);
      stray(daemon);
      return { child, id: m[1] as string, leader, daemon };
    }
  }
  throw new Error('the supervisor exited before reporting its group');
}

forEachBackend(
  'a group whose owner is SIGKILLed',
  (backend) => {
    it('dies with it by default, daemons included', async () => {
      const s = await supervisor(backend, 'default');
      s.child.kill('SIGKILL');
      await until(() => !alive(s.leader) && !alive(s.daemon), 'the leader and the setsid daemon to die with their owner', 15_000);
      await until(async () => !(await listGroups()).some((g) => g.id === s.id), 'the group to be gone from listGroups()');
    });

    it("with onOwnerExit 'keep' lives on, is listed as orphaned, and openGroup(id).kill() ends it", async () => {
      const s = await supervisor(backend, 'keep');
      s.child.kill('SIGKILL');
      await until(() => s.child.signalCode !== null, 'the supervisor to be reaped');
      expect(alive(s.leader) && alive(s.daemon)).toBe(true);
      const found = (await listGroups()).find((g) => g.id === s.id);
      expect(found).toMatchObject({ backend, orphaned: true, memberCount: 2 });
      const group = await openGroup(s.id);
      await group.kill();
      expect(alive(s.leader) || alive(s.daemon)).toBe(false);
    });
  },
  ['diesWithOwner'],
);

forEachBackend("an explicit onOwnerExit 'kill'", (backend, guarantees) => {
  it('is taken where the backend can die with its owner, and refused with UnsupportedError before anything starts where it cannot', async () => {
    const outcome = await spawnGroup('/bin/sleep', ['1000'], { backend, onOwnerExit: 'kill', stdio: 'ignore' }).catch((e: unknown) => e);
    if (guarantees.diesWithOwner) {
      const group = outcome as Awaited<ReturnType<typeof spawnGroup>>;
      expect(group.guarantees.diesWithOwner).toBe(true);
      await group.kill();
    } else {
      expect(UnsupportedError.isInstance(outcome)).toBe(true);
      expect((outcome as Error).message).toMatch(/onOwnerExit: 'keep'/);
    }
  });
});
