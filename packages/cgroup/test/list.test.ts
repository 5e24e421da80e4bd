import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { pidfdIdLookup } from '@pg/pidfd';
import { isAlive } from '@pg/procfs';
import { Cgroup, listGroups, type ListedGroup } from '../src/index.js';
import { cleanup, freshGroup, me, testBase } from './helpers.js';

const orphaned = (g: ListedGroup | undefined) => g !== undefined && !isAlive(g.owner, pidfdIdLookup);

afterEach(cleanup);

describe('listGroups and owner markers', () => {
  it('lists own groups with this process as the owner, alive', () => {
    const group = freshGroup('mine');
    const listed = listGroups(testBase()).find((g) => g.group.dir === group.dir);
    expect(listed).toMatchObject({ name: 'mine', owner: me() });
    expect(orphaned(listed)).toBe(false);
  });

  it('finds the group of a creator that was SIGKILLed as orphaned, and it can be reclaimed', async () => {
    // A separate node process creates a group, puts a sleep in it, and is SIGKILLed.
    const creator = fileURLToPath(new URL('./fixtures/create-and-hang.mjs', import.meta.url));
    const child = spawn(process.execPath, [creator], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    const deadline = Date.now() + 30_000;
    while (!out.includes('\n') && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 10));
    const dir = out.trim();
    const group = Cgroup.open(dir);
    try {
      expect(orphaned(listGroups(testBase()).find((g) => g.group.dir === dir))).toBe(false);
      child.kill('SIGKILL');
      await once(child, 'exit');
      const found = listGroups(testBase()).find((g) => g.group.dir === dir);
      expect(found).toMatchObject({ owner: { pid: child.pid } });
      expect(orphaned(found)).toBe(true);
      expect(group.members().length).toBe(1); // its sleep lives on in the group
    } finally {
      group.kill();
      const empty = group.waitUntilEmpty();
      empty.kick();
      await empty;
      await group.remove();
    }
  });
});
