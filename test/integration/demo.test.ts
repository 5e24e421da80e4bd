// The README's demo command (`npm run demo`) keeps working: it spawns a real tree with a setsid
// daemon, lists every member, stops the group and shows it empty, on the backend `auto` picks.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { probe } from '@pg/core';

const run = promisify(execFile);
const demo = fileURLToPath(new URL('../../examples/tree-demo/demo.mjs', import.meta.url));

it('npm run demo lists the tree, stops it and shows it empty', async () => {
  const { stdout } = await run(process.execPath, [demo], { timeout: 60_000 });
  expect(stdout).toMatch(/spawned group \S+ on the (\w+) backend/);
  expect(stdout).toMatch(/members now: \[\]/);
  const cgroup = (await probe()).find((p) => p.backend === 'cgroup')?.available;
  if (cgroup) {
    expect(stdout).toMatch(/on the cgroup backend/);
    expect(stdout).toMatch(/^5 members:/m);
    expect(stdout).toMatch(/the setsid daemon is a member/);
  } else {
    expect(stdout).toMatch(/the escaped daemon \d+ is still running: killing it by pid/);
  }
});
