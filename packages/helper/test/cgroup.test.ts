// --cgroup DIR: the leader is born in DIR (clone3 CLONE_INTO_CGROUP), the helper stays outside,
// lives until DIR is empty, kills with cgroup.kill, and removes DIR only when the owner is gone.
// Needs root and a cgroup v2 mount with cgroup.kill (Linux 5.14): skipped elsewhere.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { HelperError, startHelper } from '../src/index.js';
import { alive, cleanup, collect, options, procStat, track, until } from './helpers.js';
import { cgroupOf, freshCgroup, procs, removeCgroups, supported } from './cgroups.js';

afterEach(async () => {
  await cleanup();
  await removeCgroups();
});


describe.skipIf(!supported)('cgroup placement', () => {
  it('the leader is born inside; the helper waits for the cgroup, not only the leader', async () => {
    const dir = freshCgroup();
    const h = track(await startHelper(options('/bin/sh', ['-c', "grep '^0::' /proc/self/cgroup; (setsid sleep 300 </dev/null >/dev/null 2>&1 &); exit 2"], { cgroupDir: dir, stdio: ['ignore', 'pipe', 'inherit'] })));
    const out = collect(h.child.stdout);
    expect(await h.leaderExit).toEqual({ code: 2, signal: null });
    await out.ended;
    expect(out.text()).toBe(`0::${cgroupOf(process.pid) === '/' ? '' : cgroupOf(process.pid)}/${dir.slice(dir.lastIndexOf('/') + 1)}\n`);
    expect(cgroupOf(h.child.pid as number)).toBe(cgroupOf(process.pid));
    // The daemon is not the helper's (no subreaper), but it is in the cgroup: the helper waits.
    expect(procs(dir)).toHaveLength(1);
    await sleep(300);
    expect(h.child.exitCode).toBe(null);
    // Core kills while the owner lives (cgroup.kill); the helper sees the cgroup empty and ends.
    writeFileSync(join(dir, 'cgroup.kill'), '1');
    expect(await h.exited).toEqual({ code: 2, signal: null });
    expect(procs(dir)).toEqual([]);
    // The owner is alive: removing the directory is its job.
    expect(existsSync(dir)).toBe(true);
  });

  it('owner gone (closeControl): cgroup.kill, wait until empty, rmdir, exit', async () => {
    const dir = freshCgroup();
    const h = track(await startHelper(options('/bin/sh', ['-c', '(setsid sleep 300 &); sleep 300 & echo ready; exec sleep 300'], { cgroupDir: dir, subreaper: true, stdio: ['ignore', 'pipe', 'inherit'] })));
    const out = collect(h.child.stdout);
    await until(() => out.text() === 'ready\n', 'the tree');
    await until(() => procs(dir).length === 3, 'three members in the cgroup');
    const members = procs(dir).map((pid) => ({ pid, start: procStat(pid)?.start ?? -1 }));
    h.closeControl();
    expect(await h.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(members.filter(alive)).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  });

  it('keep: the group outlives the owner; once it empties the helper removes the directory', async () => {
    const dir = freshCgroup();
    const h = track(await startHelper(options('/bin/sh', ['-c', 'echo ready; exec sleep 300'], { cgroupDir: dir, keep: true, stdio: ['ignore', 'pipe', 'inherit'] })));
    const out = collect(h.child.stdout);
    await until(() => out.text() === 'ready\n', 'the leader');
    h.closeControl();
    await sleep(300);
    expect(procs(dir)).toEqual([h.leaderPid]);
    writeFileSync(join(dir, 'cgroup.kill'), '1');
    expect(await h.exited).toEqual({ code: null, signal: 'SIGKILL' });
    expect(existsSync(dir)).toBe(false);
  });

  it('a directory that is not a cgroup: EHELPER with what was attempted', async () => {
    const error = await startHelper(options('/bin/true', [], { cgroupDir: '/tmp' })).catch((e: unknown) => e);
    expect(HelperError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'EHELPER', message: expect.stringContaining('watch /tmp/cgroup.events: No such file or directory') });
  });
});
