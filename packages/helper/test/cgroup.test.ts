// --cgroup DIR: the leader is born in DIR (clone3 CLONE_INTO_CGROUP), the helper stays outside,
// lives until DIR is empty, kills with cgroup.kill, and removes DIR only when the owner is gone.
// Needs root and a cgroup v2 mount with cgroup.kill (Linux 5.14): skipped elsewhere.
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { HelperError, startHelper } from '../src/index.js';
import { alive, cleanup, collect, options, procStat, track, until } from './helpers.js';

/** This process's cgroup directory on the cgroup2 mount (from mountinfo and /proc/self/cgroup). */
function ownCgroupDir(): string | undefined {
  const mount = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' '))
    .find((f) => f[f.indexOf('-') + 1] === 'cgroup2')?.[4];
  const own = readFileSync('/proc/self/cgroup', 'utf8').split('\n').find((l) => l.startsWith('0::'))?.slice(3);
  return mount === undefined || own === undefined ? undefined : join(mount, own);
}

const parent = ownCgroupDir();
let counter = 0;
const made: string[] = [];

/** Root, a cgroup2 mount, and a child cgroup with cgroup.kill can be made below ours. */
function probe(): boolean {
  if (parent === undefined || process.getuid?.() !== 0) return false;
  const dir = join(parent, `pg-helper-probe-${process.pid}`);
  try {
    mkdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return false;
    throw error;
  }
  const ok = existsSync(join(dir, 'cgroup.kill'));
  rmdirSync(dir);
  return ok;
}
const supported = probe();

/** A fresh cgroup below ours, removed (killed first) after the test. */
function freshCgroup(): string {
  const dir = join(parent as string, `pg-helper-test-${process.pid}-${counter++}`);
  mkdirSync(dir);
  made.push(dir);
  return dir;
}

afterEach(async () => {
  await cleanup();
  for (const dir of made.splice(0)) {
    if (!existsSync(dir)) continue;
    writeFileSync(join(dir, 'cgroup.kill'), '1');
    await until(() => readFileSync(join(dir, 'cgroup.events'), 'utf8').includes('populated 0'), `${dir} to empty`);
    await until(() => {
      try {
        rmdirSync(dir);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EBUSY') return false;
        throw error;
      }
    }, `rmdir ${dir}`);
  }
});

const procs = (dir: string) => readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
const cgroupOf = (pid: number) => readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find((l) => l.startsWith('0::'))?.slice(3);

describe.skipIf(!supported)('cgroup placement', () => {
  it('the leader is born inside; the helper waits for the cgroup, not only the leader; kill uses cgroup.kill', async () => {
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
    expect(h.requestKill()).toBe(true);
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
