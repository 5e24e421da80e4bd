// A process that has spawned groups and seen them all empty exits by itself, like one that used
// child_process: pg's per-owner spawner holds the event loop only while a leader it started runs.
// (A reaper group released before the spawner reported its helper's exit used to stay pending
// for good, so `node script.mjs` never returned.)
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { probe } from '@pg/core';
import { fixture } from '../helpers/proc.js';

const run = promisify(execFile);
const available = (await probe()).filter((p) => p.available && (p.backend === 'cgroup' || p.backend === 'reaper')).map((p) => p.backend);

it.each(available)('a %s owner exits once its groups are empty (four owners at once, 100 groups each)', async (backend) => {
  // Several owners at once make the spawner see a group's end and its release in either order.
  const owners = Array.from({ length: 4 }, () => run(process.execPath, [fixture('idle-owner.mjs'), backend, '100'], { timeout: 55_000 }));
  for (const { stdout } of await Promise.all(owners)) expect(stdout).toBe('done\n');
});
