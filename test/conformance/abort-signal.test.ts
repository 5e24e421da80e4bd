import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { listGroups, spawnGroup } from '@pg/core';
import { fixture, forEachBackend, line, start } from './harness.js';

forEachBackend('AbortSignal', (backend) => {
  it('aborting stops the whole group', async () => {
    const controller = new AbortController();
    const group = await start(backend, fixture('forever.sh'), [], { signal: controller.signal });
    await line(group, /^ready$/);
    controller.abort();
    await group.empty;
    expect(group.leader!.signalCode).toBe('SIGTERM');
    expect(await group.members()).toEqual([]);
  });

  it('an already aborted signal rejects before anything is spawned', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pg-abort-'));
    try {
      // This process's groups only: other processes of the machine may create groups meanwhile.
      const mine = async () => (await listGroups()).filter((g) => g.ownerPid === process.pid).map((g) => g.id);
      const before = await mine();
      const marker = join(dir, 'ran');
      const error = await spawnGroup('/bin/sh', ['-c', `: > '${marker}'`], { backend, signal: AbortSignal.abort() }).catch((e: unknown) => e);
      expect((error as Error).name).toBe('AbortError');
      // Nothing ran and no group was created: the rejection came before any spawn, so there is
      // no leader that could still be about to run.
      expect(existsSync(marker)).toBe(false);
      expect((await mine()).filter((id) => !before.includes(id))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
