// Options a backend cannot serve are refused by core, from the backend's capabilities, before
// anything exists: one InvalidOptionError naming the option, on every backend, and no process
// started (the leader would carry the mark in its environment) and no cgroup directory made.
import { readdirSync } from 'node:fs';
import { expect, it } from 'vitest';
import { findGroupBase } from '@pg/cgroup';
import { InvalidOptionError, type SpawnGroupOptions } from '@pg/core';
import { freshMark, markedPids } from '../helpers/marked.js';
import { forEachBackend, start } from './harness.js';

/** The group directories this process made under its cgroup base (`NAME@PID.…`); other runs share the base. */
function groupDirs(): string[] {
  const found = findGroupBase();
  if (!found.ok) return [];
  try {
    return readdirSync(found.base.dir).filter((name) => name.includes(`@${process.pid}.`));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Either the backend serves it (a group starts), or it is refused with `option` named and nothing made. */
async function servedOrRefusedCleanly(backend: Parameters<typeof start>[0], option: string, options: SpawnGroupOptions): Promise<'served' | 'refused'> {
  const mark = freshMark();
  const before = groupDirs();
  const outcome = await start(backend, 'sleep', ['1000'], { ...options, env: { ...process.env, [mark.name]: mark.value } }).then(
    (group) => ({ group }),
    (error: unknown) => ({ error }),
  );
  if ('group' in outcome) {
    expect(markedPids(mark)).toContain(outcome.group.leader!.pid);
    return 'served';
  }
  expect(outcome.error).toBeInstanceOf(InvalidOptionError);
  expect(outcome.error).toMatchObject({ code: 'ERR_PG_INVALID_OPTION', option });
  expect((outcome.error as Error).message).toMatch(new RegExp(`the ${backend} backend`));
  expect(markedPids(mark)).toEqual([]);
  expect(groupDirs()).toEqual(before);
  return 'refused';
}

forEachBackend('options checked against the backend', (backend) => {
  it('an "ipc" stdio entry is served or refused before anything is created', async () => {
    const outcome = await servedOrRefusedCleanly(backend, 'stdio[3]', { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    // The helper-fronted backends cannot give the command a channel; posix always can.
    if (backend === 'reaper') expect(outcome).toBe('refused');
    if (backend === 'posix') expect(outcome).toBe('served');
  });

  it('a limit is enforced or refused before anything is created', async () => {
    const outcome = await servedOrRefusedCleanly(backend, 'limits.memory', { stdio: 'ignore', limits: { memory: 1 << 30 } });
    if (backend !== 'cgroup') expect(outcome).toBe('refused');
  });
});
