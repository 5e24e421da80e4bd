// childrenOf and descendantsOf on real process trees.
import { afterEach, describe, expect, it } from 'vitest';
import { childrenByScan } from '../src/children.js';
import { childrenOf, commandLineOf, descendantsOf, descendantStats, readStat } from '../src/index.js';
import { killStarted, start, track, until } from './helpers.js';

afterEach(killStarted);

/** The children of `pid` that run `sleep 30` (a child between fork and exec still shows as sh). */
const sleepsOf = (pid: number) => childrenOf(pid).filter((c) => commandLineOf(c) === 'sleep 30');

describe('childrenOf', () => {
  it('finds both children of a shell', async () => {
    const sh = start('/bin/sh', ['-c', 'sleep 30 & sleep 30 & wait']);
    await until(() => sleepsOf(sh.pid).length === 2, 'two sleeps');
    const children = childrenOf(sh.pid).map(track);
    expect(children).toHaveLength(2);
    for (const pid of children) expect(readStat(pid)?.ppid).toBe(sh.pid);
    expect(childrenOf('self')).toContain(sh.pid);
    // The fallback for kernels without children files finds the same.
    expect(childrenByScan(sh.pid).sort()).toEqual([...children].sort());
    expect(childrenByScan('self')).toContain(sh.pid);
  });

  it('is empty for a process without children and for one that is gone', async () => {
    const leaf = start('/bin/sleep', ['30']);
    expect(childrenOf(leaf.pid)).toEqual([]);
    const exited = new Promise((resolve) => leaf.once('exit', resolve));
    leaf.kill('SIGKILL');
    await exited;
    expect(childrenOf(leaf.pid)).toEqual([]);
  });
});

describe('descendantsOf', () => {
  it('lists children and grandchildren, parents first, each once', async () => {
    const sh = start('/bin/sh', ['-c', 'sleep 30 & sleep 30 & wait']);
    await until(() => sleepsOf(sh.pid).length === 2, 'two sleeps');
    const sleeps = sleepsOf(sh.pid).map(track);
    const all = descendantsOf('self');
    expect(all).toEqual(expect.arrayContaining([sh.pid, ...sleeps]));
    expect(new Set(all).size).toBe(all.length);
    expect(all).not.toContain(process.pid);
    for (const pid of sleeps) expect(all.indexOf(pid)).toBeGreaterThan(all.indexOf(sh.pid));
    expect(descendantsOf(sh.pid).sort()).toEqual([...sleeps].sort());
  });

  it('finds a setsid grandchild only while it is still a descendant', async () => {
    // The shell starts a daemon in a session of its own and waits for a line on stdin. The
    // daemon stays the shell's child (setsid changes the session, not the parent) until the
    // shell exits; then it is an orphan, reparented to init or a subreaper above this process.
    const sh = start('/bin/sh', ['-c', 'setsid sleep 30 & read line'], ['pipe', 'ignore', 'ignore']);
    let daemon: number | undefined;
    await until(() => {
      daemon = descendantsOf('self').find((pid) => commandLineOf(pid) === 'sleep 30' && readStat(pid)?.sid === pid);
      return daemon !== undefined;
    }, 'the setsid sleep');
    track(daemon as number);
    expect(readStat(daemon as number)?.ppid).toBe(sh.pid);
    const exited = new Promise((resolve) => sh.once('exit', resolve));
    sh.stdin?.end('\n');
    await exited;
    await until(() => readStat(daemon as number)?.ppid !== sh.pid, 'the reparenting of the daemon');
    expect(readStat(daemon as number)?.zombie).toBe(false); // alive, just no longer ours
    expect(descendantsOf('self')).not.toContain(daemon);
  });
});

describe('descendantStats', () => {
  it('finds what descendantsOf finds, with each stat, a child forked by a non-first thread included', async () => {
    // A shell whose children are a sleep and a Node process; Node forks its own sleep from a
    // worker thread, so that sleep is listed in the worker's children file, not the first thread's.
    const worker = "new (require('node:worker_threads').Worker)(\"require('node:child_process').spawn('sleep', ['30'], { stdio: 'ignore' })\", { eval: true }); setInterval(() => {}, 1000)";
    const sh = start('/bin/sh', ['-c', 'sleep 30 & "$0" -e "$1" & wait', process.execPath, worker]);
    const node = () => childrenOf(sh.pid).find((pid) => (readStat(pid)?.threads ?? 0) > 1 && commandLineOf(pid).includes('worker_threads'));
    await until(() => sleepsOf(sh.pid).length === 1 && node() !== undefined && sleepsOf(node() as number).length === 1, 'the tree');
    const all = descendantsOf(sh.pid).map(track);
    const stats = descendantStats(sh.pid);
    expect(stats.map((s) => s.pid)).toEqual(all);
    expect(all).toContain(sleepsOf(node() as number)[0]);
    for (const stat of stats) expect(stat).toEqual({ ...readStat(stat.pid), state: stat.state });
  });
});
