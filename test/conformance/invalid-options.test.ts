import { expect, it } from 'vitest';
import { spawnGroup, openGroup, InvalidOptionError } from '@pg/core';
import { forEachBackend, start } from './harness.js';

forEachBackend('bad options', (backend) => {
  it.each([
    ['file', () => spawnGroup('', [], { backend })],
    ['args', () => spawnGroup('true', 'x' as never, { backend })],
    ['name', () => spawnGroup('true', [], { backend, name: '../escape' })],
    ['name', () => spawnGroup('true', [], { backend, name: 'a\nb' })],
    ['cwd', () => spawnGroup('true', [], { backend, cwd: 3 as never })],
    ['signal', () => spawnGroup('true', [], { backend, signal: {} as never })],
    ['limits.pids', () => spawnGroup('true', [], { backend, limits: { pids: -1 } })],
    ['backend', () => spawnGroup('true', [], { backend: 'docker' as never })],
  ])('rejects a bad `%s` with a TypeError naming it, before spawning', async (option, call) => {
    const error = await call().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toBeInstanceOf(InvalidOptionError);
    expect(error).toMatchObject({ code: 'ERR_PG_INVALID_OPTION', option });
    expect((error as Error).message).toMatch(/expected/);
  });

  it('rejects a bad signal name or number, and a bad stop timeout', async () => {
    const group = await start(backend, 'sleep', ['1000'], { stdio: 'ignore' });
    await expect(group.signal('SIGNOPE')).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(group.signal(4096)).rejects.toBeInstanceOf(InvalidOptionError);
    await expect(group.stop({ timeout: -1 })).rejects.toMatchObject({ option: 'timeout' });
    expect((await group.members()).length).toBe(1); // nothing was signalled
  });

  it('accepts signals by name, short name and number', async () => {
    const group = await start(backend, 'sleep', ['1000'], { stdio: 'ignore' });
    await group.signal('SIGCONT');
    await group.signal('cont');
    await group.signal(0);
    expect((await group.members()).length).toBe(1);
    await group.signal('TERM');
    await group.empty;
    expect(group.leader!.signalCode).toBe('SIGTERM');
  });

  it('rejects an empty group id', async () => {
    await expect(openGroup('', { backend })).rejects.toBeInstanceOf(InvalidOptionError);
  });
});
