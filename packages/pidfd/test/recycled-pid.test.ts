import { writeFileSync } from 'node:fs';
import { readStat } from '@pg/procfs';
import { afterEach, describe, expect, it } from 'vitest';
import { pidfdOpen } from '../src/index.js';
import { exitOf, killStarted, start } from './helpers.js';

afterEach(killStarted);

const root = process.geteuid?.() === 0;

describe('a pidfd never signals a recycled pid', () => {
  // ns_last_pid (root only) makes the next process get pid N+1, so an unrelated process can be
  // made to take the dead process's pid for real (docs/linux.md#recycled-pids).
  it.skipIf(!root)('gets ESRCH while the new owner of the pid stays alive', async () => {
    for (let attempt = 0; attempt < 200; attempt++) {
      const victim = start('true', []);
      const pidfd = pidfdOpen(victim.pid);
      try {
        await exitOf(victim);
        writeFileSync('/proc/sys/kernel/ns_last_pid', String(victim.pid - 1));
        const reuser = start('sleep', ['60']);
        if (reuser.pid !== victim.pid) continue; // another process took it first: try again
        expect(() => pidfd.sendSignal(9)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
        // The unrelated process with the same pid is untouched.
        const state = readStat(reuser.pid)?.state;
        expect(state).toMatch(/[SR]/);
        expect(reuser.exitCode).toBeNull();
        return;
      } finally {
        pidfd.close();
      }
    }
    throw new Error('could not make a process reuse a pid in 200 attempts');
  });
});
