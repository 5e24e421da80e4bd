// examples/supervisor: restarts a crashing service with back-off, reports status from pg's API,
// and stops the whole tree on SIGTERM.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { fixture, isAlive, killPid, start, waitForOutput } from '../fixtures/cli-harness.js';

const SUPERVISOR = fileURLToPath(new URL('../../examples/supervisor/supervisor.mjs', import.meta.url));
const started: number[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) killPid(pid);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

type Event = { event: string; restartIn?: number; members?: { pid: number; command: string }[]; restarts?: number };

describe('examples/supervisor', () => {
  it('restarts with back-off, shows status, and stops the whole tree', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pg-supervisor-'));
    dirs.push(dir);
    const sup = start(process.execPath, [SUPERVISOR, '--base-delay', '20', '--', 'sh', fixture('cli-flaky-service.sh'), join(dir, 'count')]);
    started.push(sup.pid as number);
    // The third start is the one that stays up (the service's own output goes to stderr).
    await waitForOutput(sup, /"event":"start".*"restarts":2/);
    const statusLine = waitForOutput(sup, /^\{"time":[^\n]*"event":"status"[^\n]*sleep 1000[^\n]*\}$/m);
    // The child may not be forked yet when the first status is asked for: ask until it is.
    const asking = setInterval(() => sup.kill('SIGUSR2'), 100);
    const status = JSON.parse((await statusLine)[0]) as Event;
    clearInterval(asking);
    const members = status.members ?? [];
    expect(members.map((m) => m.command)).toEqual(expect.arrayContaining(['sleep 1000']));
    for (const m of members) started.push(m.pid);

    sup.kill('SIGTERM');
    const r = await sup;
    expect(r.exitCode).toBe(0);
    const events = String(r.stdout)
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Event);
    const exits = events.filter((e) => e.event === 'exit');
    expect(exits.map((e) => e.restartIn)).toEqual([20, 40]);
    expect(events.at(-1)).toMatchObject({ event: 'stopped', restarts: 2 });
    for (const m of members) expect(isAlive(m.pid), `pid ${m.pid} (${m.command})`).toBe(false);
  });
});
