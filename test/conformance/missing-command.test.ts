import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { spawnGroup, SpawnError } from '@pg/core';
import { forEachBackend } from './harness.js';

async function childrenOfThisProcess(): Promise<string> {
  const tasks = await readdir(`/proc/${process.pid}/task`);
  const { readFile } = await import('node:fs/promises');
  const lists = await Promise.all(tasks.map((t) => readFile(`/proc/${process.pid}/task/${t}/children`, 'utf8')));
  return lists.join(' ').trim();
}

forEachBackend('a command that does not exist', (backend) => {
  it('rejects with a SpawnError (ENOENT) and leaves no child behind', async () => {
    const before = await childrenOfThisProcess();
    const error = await spawnGroup('pg-no-such-command-7f3a', [], { backend }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpawnError);
    expect(error).toMatchObject({ code: 'ERR_PG_SPAWN', errno: 'ENOENT' });
    expect((error as Error).message).toMatch(/pg-no-such-command-7f3a/);
    expect(await childrenOfThisProcess()).toBe(before);
  });

  it('rejects a path that is not executable with EACCES', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pg-conformance-'));
    try {
      const file = join(dir, 'not-executable');
      await writeFile(file, '#!/bin/sh\n', { mode: 0o644 });
      await expect(spawnGroup(file, [], { backend })).rejects.toMatchObject({ code: 'ERR_PG_SPAWN', errno: 'EACCES' });
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
