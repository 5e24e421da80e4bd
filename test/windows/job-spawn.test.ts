// The job backend of @pg/core under Wine: probe, the leader's pipes and exit, `.cmd`/`.bat`
// commands, errors, limits, stats, listGroups/openGroup, signals Windows does not have.
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { killByToken, runWindowsNode, script, wineUnavailable } from './wine.js';

const skip = wineUnavailable();
const token = `pgwin-${randomUUID()}`;
const group = script('group.mjs');

afterEach(() => {
  expect(killByToken(token)).toEqual([]);
});

describe.skipIf(skip !== undefined)(`job backend: spawning${skip === undefined ? '' : ` skipped: ${skip}`}`, () => {
  it('importing @pg/core on Windows works; probe() picks job and says why the others are unavailable', async () => {
    const probes = await runWindowsNode<{ backend: string; available: boolean; reason: string }[]>(script('probe.mjs'));
    expect(probes.map((p) => p.backend)).toEqual(['cgroup', 'contract', 'job', 'reaper', 'posix']);
    expect(probes.filter((p) => p.available).map((p) => p.backend)).toEqual(['job']);
    for (const p of probes) expect(p.reason).not.toBe('');
  });

  it("gives the leader's pipes, pid and exit code as child_process does, and is empty after the leader exits", async () => {
    const r = await runWindowsNode<{ backend: string; id: string; members: number[]; leader: number; echo: string; exit: unknown; membersAfter: unknown[]; exitCode: number }>(group, ['pipes', token]);
    expect(r.backend).toBe('job');
    expect(r.id).toMatch(/^pg-job-\d+-\d+$/);
    expect(r.members).toEqual([r.leader]);
    expect(r.echo).toBe('got hello');
    expect(r.exit).toEqual({ code: 3, signal: null });
    expect(r.exitCode).toBe(3);
    expect(r.membersAfter).toEqual([]);
  });

  it('runs an npm .cmd shim found through PATHEXT and a .bat by path, every argument arriving intact', async () => {
    const r = await runWindowsNode<{ shim: string[]; bat: string[]; args: string[]; shimExit: unknown; batExit: unknown }>(group, ['cmd-shim', token]);
    expect(r.shim).toEqual(r.args);
    expect(r.bat).toEqual(r.args);
    expect(r.shimExit).toEqual({ code: 0, signal: null });
    expect(r.batExit).toEqual({ code: 0, signal: null });
  });

  it('names what it cannot do, lists and reopens its group, and stops it (terminating where no console event can be sent)', async () => {
    const r = await runWindowsNode<Record<string, { name: string; code: string; message: string } | null> & {
      stats: { pids: number };
      listed: boolean;
      listedAfter: boolean;
      openedMembers: number[];
      leader: number;
      exit: unknown;
      membersAfter: unknown[];
    }>(group, ['errors', token]);
    expect(r.missing).toMatchObject({ name: 'SpawnError', code: 'ERR_PG_SPAWN' });
    expect(r.missing?.message).toContain('no-such-command-pg');
    expect(r.ipc).toMatchObject({ name: 'InvalidOptionError' });
    expect(r.hup).toMatchObject({ name: 'UnsupportedError' });
    expect(r.hup?.message).toMatch(/SIGHUP.*win32/);
    expect(r.usr1).toMatchObject({ name: 'InvalidOptionError' }); // Windows has no SIGUSR1 at all
    expect(r.stats.pids).toBe(1);
    expect(r.listed).toBe(true);
    expect(r.openedMembers).toEqual([r.leader]);
    // Wine has no console to deliver CTRL_BREAK_EVENT through (docs/windows.md): a clear error.
    expect(r.brk).toMatchObject({ name: 'UnsupportedError' });
    expect(r.exit).toEqual({ code: null, signal: 'SIGKILL' });
    expect(r.membersAfter).toEqual([]);
    expect(r.listedAfter).toBe(false);
  });
});
