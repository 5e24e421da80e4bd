import { expect, it } from 'vitest';
import { forEachBackend, start } from './harness.js';

forEachBackend('signalling an empty group', (backend) => {
  it('is not an error, nor are stop and kill', async () => {
    const group = await start(backend, 'true', [], { stdio: 'ignore' });
    await group.empty;
    await expect(group.signal('SIGHUP')).resolves.toBeUndefined();
    await expect(group.signal(15)).resolves.toBeUndefined();
    await expect(group.stop({ timeout: 10 })).resolves.toBeUndefined();
    await expect(group.kill()).resolves.toBeUndefined();
    expect(await group.members()).toEqual([]);
  });
});
