import { expect, it } from 'vitest';
import { spawnGroup } from '@pg/core';
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
    const error = await spawnGroup('sleep', ['1000'], { backend, signal: AbortSignal.abort() }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
  });
});
