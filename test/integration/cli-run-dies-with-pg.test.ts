// `pg run` in the foreground dies with pg: even `kill -9` of pg ends the whole group, a setsid
// daemon included, as root (cgroup, placed by pg-helper) and as an ordinary user with no
// writable cgroup (reaper). `--detach` keeps it running.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, afterEach, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { probe } from '@pg/core';
import { isAlive, killGroup, killPid, PG, pg, waitForOutput, waitUntil } from '../fixtures/cli-harness.js';
import { AS_NOBODY, readableCheckout, SETPRIV } from './unprivileged.js';

const started: number[] = [];
const groups: string[] = [];
afterEach(async () => {
  for (const pid of started.splice(0)) killPid(pid);
  for (const id of groups.splice(0)) await killGroup(id);
});

let readable: ReturnType<typeof readableCheckout>;
beforeAll(() => {
  readable = readableCheckout();
});
afterAll(() => readable.cleanup());

const daemonScript = 'echo "ready $$"; (setsid sh -c \'echo "daemon $$"; exec sleep 1000\' &); exec sleep 1000';
const diesWithOwner = (await probe()).find((p) => p.available)?.guarantees?.diesWithOwner === true;
const root = process.geteuid?.() === 0 && existsSync(SETPRIV);

async function runAndKillPg(command: readonly string[]): Promise<void> {
  const run = execa(command[0] as string, command.slice(1), { reject: false, buffer: true, stdin: 'ignore' });
  started.push(run.pid as number);
  const leader = Number((await waitForOutput(run, /ready (\d+)/))[1]);
  const daemon = Number((await waitForOutput(run, /daemon (\d+)/))[1]);
  started.push(leader, daemon);
  run.kill('SIGKILL');
  expect((await run).signal).toBe('SIGKILL');
  await waitUntil(() => !isAlive(leader) && !isAlive(daemon), 'the leader and its setsid daemon to die with pg', 15_000);
}

describe('pg run dies with pg', () => {
  it.skipIf(!diesWithOwner)('as root: kill -9 of pg ends the group, daemon included', async () => {
    await runAndKillPg([process.execPath, PG, 'run', '--', 'sh', '-c', daemonScript]);
  });

  it.skipIf(!root)('as uid 65534 with no writable cgroup (reaper): kill -9 of pg ends the group, daemon included', async () => {
    await runAndKillPg([...AS_NOBODY, join(readable.path, 'packages/cli/bin/pg'), 'run', '--', 'sh', '-c', daemonScript]);
  });

  it('--detach keeps the group running after pg has exited', async () => {
    const r = await pg(['run', '--detach', '--json', '--', 'sh', '-c', 'exec sleep 1000']);
    expect(r.exitCode).toBe(0);
    const { id, pid } = JSON.parse(r.stdout) as { id: string; pid: number };
    groups.push(id);
    started.push(pid);
    expect(isAlive(pid)).toBe(true);
  });
});
