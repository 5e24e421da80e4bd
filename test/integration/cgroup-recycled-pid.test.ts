import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { probe, spawnGroup } from '@pg/core';
import { alive, disposeAll, track } from './cgroup-helpers.js';

const available = (await probe()).find((p) => p.backend === 'cgroup')?.available === true;
const root = process.geteuid?.() === 0;
const unrelated: number[] = [];

afterEach(async () => {
  for (const pid of unrelated.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
  await disposeAll();
});

describe.skipIf(!available || !root)('cgroup backend: a group signal never reaches a recycled pid', () => {
  it('leaves alone an unrelated process that took a dead member\'s pid', async () => {
    // The leader starts a member, prints its pid, and keeps running after the member is killed.
    const group = track(await spawnGroup('/bin/sh', ['-c', 'sleep 1000 & echo $!; wait; echo reaped; exec sleep 1000'], { backend: 'cgroup', stdio: ['ignore', 'pipe', 'inherit'] }));
    const lines = createInterface({ input: group.leader!.stdout! })[Symbol.asyncIterator]();
    const memberPid = Number((await lines.next()).value);
    expect(alive(memberPid)).toBe(true);
    process.kill(memberPid, 'SIGKILL');
    expect((await lines.next()).value).toBe('reaped'); // its parent reaped it: the pid is free
    // Make an unrelated process (outside the group) take that pid (ns_last_pid, root only).
    let other;
    // Other test files fork concurrently (a forking loop, say) and may take the pid first:
    // retry, bounded by a generous deadline rather than a count, since the contention is transient.
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      writeFileSync('/proc/sys/kernel/ns_last_pid', String(memberPid - 1));
      const candidate = spawn('/bin/sleep', ['1000'], { stdio: 'ignore' });
      unrelated.push(candidate.pid!);
      if (candidate.pid === memberPid) {
        other = candidate;
        break;
      }
      candidate.kill('SIGKILL');
      await once(candidate, 'exit');
    }
    expect(other?.pid).toBe(memberPid);
    await group.signal('SIGTERM');
    await group.empty;
    expect(alive(memberPid)).toBe(true); // the unrelated process with the recycled pid survived
    expect(other!.exitCode).toBeNull();
  });
});
