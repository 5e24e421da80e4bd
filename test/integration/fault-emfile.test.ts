// Fault: the supervisor runs out of file descriptors (EMFILE) while spawning. A child process
// under `prlimit --nofile=8192` uses up all its fds but 0..15 and calls spawnGroup each time
// (fixtures/fault-emfile.mjs), so the failure lands at every step that needs an fd. (Not lower:
// the posix backend reads every /proc/PID/stat at once, so with a limit below the host's process
// count even kill() after the fds are freed fails with EMFILE; reported, not tested here.) Each attempt
// must either succeed or reject with a clear ProcessGroupError naming EMFILE, and leave no child
// process, no process of the command and no cgroup directory behind.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { backendsToTest, findByToken, fixture, newToken, reap, requireCgroup } from '../fixtures/fault-harness.js';

const run = promisify(execFile);
let token: string | undefined;

afterEach(async () => {
  if (token !== undefined) await reap(token);
  token = undefined;
});

interface Outcome {
  free: number;
  ok: boolean;
  isProcessGroupError?: boolean;
  code?: string;
  errno?: string;
  message?: string;
  children: number[];
  newDirs: string[];
}

for (const backend of backendsToTest()) {
  describe(`fault: EMFILE in the supervisor while spawning [${backend}]`, () => {
    it('rejects with a clear error and leaks no cgroup, child or member', async () => {
      if (backend === 'cgroup') requireCgroup();
      token = newToken();
      const { stdout } = await run('prlimit', ['--nofile=8192:8192', process.execPath, fixture('fault-emfile.mjs'), backend, token], { timeout: 120_000 });
      const outcomes = JSON.parse(stdout) as Outcome[];
      expect(outcomes).toHaveLength(16);
      // With no fd free, spawning cannot succeed: the failure is really exercised.
      expect(outcomes[0]!.ok).toBe(false);
      for (const o of outcomes) {
        if (!o.ok) {
          expect(o, `free=${o.free}`).toMatchObject({ isProcessGroupError: true });
          expect(o.code, `free=${o.free}`).toMatch(/^ERR_PG_/);
          expect(`${o.errno} ${o.message}`, `free=${o.free}`).toMatch(/EMFILE|too many open files/i);
        }
        expect(o.children, `children left after free=${o.free}`).toEqual([]);
        expect(o.newDirs, `cgroup directories left after free=${o.free}`).toEqual([]);
      }
      expect(findByToken(token)).toEqual([]);
    });
  });
}
