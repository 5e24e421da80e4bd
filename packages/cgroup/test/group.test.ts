import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { PidfdError, pidfdOpen } from '@pg/pidfd';
import { readStat } from '@pg/procfs';
import { afterEach, describe, expect, it } from 'vitest';
import { Cgroup, cgroupPathOf, cgroupPathOfDir, createGroup, findCgroup2Mount, readCgroupStat, readCpuStat } from '../src/index.js';
import { cleanup, freshGroup, me, spawnIn, testBase } from './helpers.js';

afterEach(cleanup);

describe('mount and own cgroup', () => {
  it('finds the cgroup2 mount from mountinfo (whatever its path) and the own cgroup', () => {
    const mount = findCgroup2Mount();
    expect(existsSync(`${mount.mountPoint}/cgroup.procs`)).toBe(true);
    const own = cgroupPathOf('self');
    expect(readFileSync('/proc/self/cgroup', 'latin1')).toContain(`0::${own}`);
  });
});

describe('create, place, members, remove', () => {
  it('creates a group below the base, places a child before it runs, lists it, removes the directory', async () => {
    const group = freshGroup('place');
    expect(group.dir.startsWith(testBase().dir + '/')).toBe(true);
    const child = await spawnIn(group, '/bin/sleep', ['60']);
    // The placed program keeps the spawned pid (exec, no extra fork) and is in the group. The
    // shell joins the group first and execs a moment later: wait for the exec.
    const deadline = Date.now() + 10_000;
    while (readFileSync(`/proc/${child.pid}/cmdline`, 'latin1') !== '/bin/sleep\x0060\x00' && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 1));
    }
    expect(readFileSync(`/proc/${child.pid}/cmdline`, 'latin1')).toBe('/bin/sleep\x0060\x00');
    expect(cgroupPathOf(child.pid)).toBe(cgroupPathOfDir(group.dir, findCgroup2Mount()));
    expect(group.members()).toEqual([child.pid]);
    expect(group.populated()).toBe(true);
    group.kill();
    const empty = group.waitUntilEmpty();
    empty.kick();
    expect(await empty).toMatchObject({ populated: false });
    await group.remove();
    expect(existsSync(group.dir)).toBe(false);
  });

  it('puts grandchildren and setsid daemons in the group', async () => {
    const group = freshGroup('tree');
    const sh = await spawnIn(group, '/bin/sh', ['-c', '(setsid sleep 60 &) ; sleep 60 & wait']);
    // Wait for both sleeps (the subshell that forks the daemon comes and goes meanwhile, so a
    // bare member count can pass through 3 before the tree is complete).
    const sleeps = () => group.members().filter((pid) => cmdline(pid) === 'sleep\x0060\x00').length;
    const deadline = Date.now() + 10_000;
    while (sleeps() < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(sleeps()).toBe(2);
    expect(group.members()).toContain(sh.pid);
  });

  it('refuses names that could leave the base', () => {
    for (const bad of ['../escape', 'a/b', '..', 'x\0y', 'x\ny']) {
      expect(() => createGroup(testBase(), bad, me())).toThrow(TypeError);
    }
    expect(existsSync(`${testBase().parentDir}/escape`)).toBe(false);
  });

  it('Cgroup.open refuses a directory that is not a cgroup', () => {
    expect(() => Cgroup.open('/tmp')).toThrow(expect.objectContaining({ code: 'ENOENT' }));
  });

  it('remove() waits out EBUSY while killed members finish exiting', async () => {
    const group = freshGroup('busy');
    await spawnIn(group, '/bin/sleep', ['60']);
    group.kill();
    await group.remove(); // rmdir gives EBUSY until the killed sleep is gone: retried
    expect(group.exists()).toBe(false);
  });

  it('id() is the cgroup id the kernel reports for a member (PIDFD_GET_INFO), the inode of the directory', async (ctx) => {
    const group = freshGroup('id');
    const child = await spawnIn(group, '/bin/sleep', ['60']);
    const id = group.id();
    expect(id).toBe(statSync(group.dir, { bigint: true }).ino);
    using pidfd = pidfdOpen(child.pid);
    let info;
    try {
      info = pidfd.info();
    } catch (error) {
      if (PidfdError.isInstance(error) && error.code === 'EUNSUPPORTED') return ctx.skip('PIDFD_GET_INFO needs Linux 6.13');
      throw error;
    }
    expect(info.cgroupId).toBe(id);
  });

  it('reads cgroup.stat and cpu.stat', async () => {
    const group = freshGroup('stat');
    await spawnIn(group, '/bin/sleep', ['60']);
    expect(readCgroupStat(group)).toHaveProperty('nr_descendants', 0);
    expect(readCpuStat(group)).toHaveProperty('usage_usec');
  });
});

describe('cgroup.events', () => {
  it('reports empty through inotify when the last member exits on its own', async () => {
    const group = freshGroup('events');
    const child = await spawnIn(group, '/bin/sh', ['-c', 'read x'], ['pipe', 'ignore', 'ignore']);
    const empty = group.waitUntilEmpty();
    let settled = false;
    void empty.then(() => { settled = true; });
    await new Promise((r) => setTimeout(r, 50));
    expect(settled).toBe(false); // still populated
    child.stdin?.end('\n');
    expect(await empty).toEqual({ populated: false, frozen: false });
  });

  it('freezes and thaws', async () => {
    const group = freshGroup('freeze');
    const child = await spawnIn(group, '/bin/sleep', ['60']);
    await group.freeze();
    expect(group.events().frozen).toBe(true);
    // Frozen is not gone: the member is still a live process in the group.
    expect(readStat(child.pid)).toMatchObject({ pid: child.pid, zombie: false });
    expect(group.members()).toEqual([child.pid]);
    group.thaw();
    const thawed = (await import('../src/index.js')).waitForEvents(group.dir, (e) => !e.frozen);
    thawed.kick();
    expect((await thawed).frozen).toBe(false);
  });
});

describe('no directory is left by a failed spawn', () => {
  it('a child whose command is missing exits 127 and the group can still be removed', async () => {
    const group = freshGroup('missing');
    const child = spawn('/bin/sh', ['-c', 'echo 0 > "$0/cgroup.procs" && exec "$@"', group.dir, '/nonexistent/cmd'], { stdio: 'ignore' });
    const [code] = (await once(child, 'exit')) as [number];
    expect(code).toBe(127);
    await group.remove();
    expect(existsSync(group.dir)).toBe(false);
  });
});

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1');
  } catch {
    return ''; // exited meanwhile
  }
}
