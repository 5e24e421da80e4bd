import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { alive, forEachBackend, line, start } from './harness.js';

const root = process.geteuid?.() === 0;
const unrelated: ChildProcess[] = [];

afterEach(async () => {
  for (const child of unrelated.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
});

forEachBackend(
  'a group signal never reaches a recycled pid',
  (backend) => {
    it.skipIf(!root)("leaves alone an unrelated process that took a dead member's pid (ns_last_pid, root)", async () => {
      // The leader starts a member, prints its pid, and keeps running after the member is killed.
      const group = await start(backend, '/bin/sh', ['-c', 'sleep 1000 & echo $!; wait; echo reaped; exec sleep 1000']);
      const memberPid = Number((await line(group, /^\d+$/))[0]);
      expect(alive(memberPid)).toBe(true);
      process.kill(memberPid, 'SIGKILL');
      await line(group, /^reaped$/); // its parent reaped it: the pid is free
      // Make an unrelated process (outside the group) take that pid. Other test files fork
      // concurrently and may take the pid first: retry, bounded by a generous deadline.
      let other: ChildProcess | undefined;
      const deadline = Date.now() + 30_000;
      while (other === undefined && Date.now() < deadline) {
        writeFileSync('/proc/sys/kernel/ns_last_pid', String(memberPid - 1));
        const candidate = spawn('/bin/sleep', ['1000'], { stdio: 'ignore' });
        unrelated.push(candidate);
        if (candidate.pid === memberPid) other = candidate;
        else {
          candidate.kill('SIGKILL');
          await once(candidate, 'exit');
        }
      }
      expect(other?.pid).toBe(memberPid);
      await group.signal('SIGTERM');
      await group.empty;
      expect(alive(memberPid)).toBe(true); // the unrelated process with the recycled pid survived
      expect(other!.exitCode).toBeNull();
    });
  },
  ['neverSignalsRecycledPid'],
);
