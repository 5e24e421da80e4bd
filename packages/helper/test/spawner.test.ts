// The per-owner spawner: one pg-helper --spawner per owner process starts every leader itself,
// reports pid, pidfd id, exec failures and exit statuses, and is started again when it died.
import { mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { HelperError, closeSpawner, spawnLeader, spawnerFor } from '../src/index.js';
import { alive, collect, helperPath, procStat, until } from './helpers.js';
import { killLeaders, leader, openFds } from './spawner-helpers.js';

afterEach(killLeaders);
afterAll(closeSpawner);

describe('spawner', () => {
  it('starts the leader with argv, env and cwd as asked, and reports its exit code', async () => {
    const script = 'printf "%s|" "$(tr "\\0" " " < /proc/$$/cmdline)" "$0" "$1" "$FOO" "$(pwd)"; exit 3';
    const l = await leader({ file: '/bin/sh', args: ['-c', script, 'zero', 'one'], argv0: 'named', env: { FOO: 'bar' }, cwd: '/tmp', stdio: ['ignore', 'pipe', 'inherit'] });
    const out = collect(l.stdout);
    expect(await l.exited).toEqual({ code: 3, signal: null });
    await out.ended;
    expect(out.text()).toBe(`named -c ${script} zero one |zero|one|bar|/tmp|`);
  });

  it('reports a signal, the pid, and a pidfd id that matches the leader', async () => {
    const l = await leader({ file: '/bin/sleep', args: ['300'], stdio: 'ignore' });
    expect(procStat(l.pid)?.ppid).toBe(spawnerFor(helperPath()).pid);
    if (l.pidfdId !== undefined) {
      // pidfs: the inode of a pidfd is the process's id; /proc/PID/ns is unrelated, so compare via a fresh pidfd.
      const { pidfdOpen } = await import('@pg/pidfd');
      const fd = pidfdOpen(l.pid);
      expect(fd.id()).toBe(l.pidfdId);
      fd.close();
    }
    process.kill(l.pid, 'SIGTERM');
    expect(await l.exited).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('the leader runs in a session of its own, with default signal dispositions and nothing blocked', async () => {
    const l = await leader({ file: '/bin/sh', args: ['-c', 'grep -E "^(SigBlk|SigIgn)" /proc/self/status; exec sleep 300'], stdio: ['ignore', 'pipe', 'inherit'] });
    const out = collect(l.stdout);
    await until(() => out.text().split('\n').length > 2, 'the status lines');
    expect(out.text()).toBe('SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n');
    const stat = readFileSync(`/proc/${l.pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    expect(Number(fields[3])).toBe(l.pid); // session id (field 6) = its own pid
  });

  it('exec failure: a HelperError with the errno name, nothing left running', async () => {
    const missing = await spawnLeader({ file: '/nonexistent/x', args: [], keep: false, helperPath: helperPath() }).catch((e: unknown) => e);
    expect(HelperError.isInstance(missing)).toBe(true);
    expect(missing).toMatchObject({ code: 'ENOENT', syscall: 'exec' });
    const dir = mkdtempSync(join(tmpdir(), 'pg-spawner-'));
    writeFileSync(join(dir, 'data'), 'not a program\n', { mode: 0o644 });
    const notExecutable = await spawnLeader({ file: join(dir, 'data'), args: [], keep: false, helperPath: helperPath() }).catch((e: unknown) => e);
    rmSync(dir, { recursive: true });
    expect(notExecutable).toMatchObject({ code: 'EACCES', syscall: 'exec' });
    const badCwd = await spawnLeader({ file: '/bin/true', args: [], cwd: '/nonexistent', keep: false, helperPath: helperPath() }).catch((e: unknown) => e);
    expect(badCwd).toMatchObject({ code: 'ENOENT', syscall: 'chdir' });
    expect(spawnerFor(helperPath()).alive).toBe(true);
  });

  it('a request larger than one socket message (an 800 kB environment) goes whole, through a memfd', async () => {
    // Eight strings of 100 kB: each below execve's per-string limit (128 kB), 800 kB in all.
    const env: Record<string, string> = {};
    for (let i = 0; i < 8; i++) env[`BIG${i}`] = String(i).repeat(100_000);
    const l = await leader({ file: '/bin/sh', args: ['-c', 'printf %s "${#BIG0}:${#BIG7}:$(printf %s "$BIG7" | head -c 3)"'], env, stdio: ['ignore', 'pipe', 'inherit'] });
    const out = collect(l.stdout);
    expect(await l.exited).toEqual({ code: 0, signal: null });
    await out.ended;
    expect(out.text()).toBe('100000:100000:777');
  });

  it('bad options are TypeErrors before anything is sent; ipc is refused', async () => {
    expect(() => spawnLeader({ file: 'sh', args: [], keep: false })).toThrow(/Invalid option `file`/);
    expect(() => spawnLeader({ file: '/bin/true', args: [], stdio: ['pipe', 'pipe', 'pipe', 'ipc'], keep: false, helperPath: helperPath() })).toThrow(/stdio\[3\].*ipc/);
    expect(() => spawnLeader({ file: '/bin/true', args: ['a\0b'], keep: false, helperPath: helperPath() })).toThrow(/NUL/);
  });

  it('one spawner serves many concurrent requests; no fd of this process leaks', async () => {
    // Warm up (the spawner and koffi), then count this process's fds around 100 spawns.
    await (await leader({ file: '/bin/true', args: [], stdio: 'pipe' })).exited;
    await killLeaders();
    const before = await openFds('self');
    const spawner = spawnerFor(helperPath()).pid;
    const leaders = await Promise.all(Array.from({ length: 100 }, (_, i) => leader({ file: '/bin/sh', args: ['-c', `echo ${i}`], stdio: ['ignore', 'pipe', 'ignore'] })));
    const outs = leaders.map((l) => collect(l.stdout));
    const exits = await Promise.all(leaders.map((l) => l.exited));
    await Promise.all(outs.map((o) => o.ended));
    expect(exits.every((e) => e.code === 0)).toBe(true);
    expect(outs.map((o) => o.text())).toEqual(leaders.map((_, i) => `${i}\n`));
    expect(spawnerFor(helperPath()).pid).toBe(spawner);
    await killLeaders();
    await until(async () => (await openFds('self')).length <= before.length, 'the fds to be closed');
    expect(await openFds('self')).toEqual(before);
  });

  it('if the spawner dies, every leader it held says so, and the next request starts a new one', async () => {
    const l = await leader({ file: '/bin/sleep', args: ['300'], stdio: 'ignore' });
    const old = spawnerFor(helperPath());
    process.kill(old.pid, 'SIGKILL');
    const exit = await l.exited;
    expect(exit).toMatchObject({ code: null, signal: null });
    expect(exit.lost).toMatchObject({ code: 'ESPAWNER', message: expect.stringContaining(`spawner (pid ${old.pid}) ended with signal SIGKILL`) });
    expect(alive({ pid: l.pid, start: procStat(l.pid)?.start ?? -1 })).toBe(true); // still running: the caller decides
    process.kill(l.pid, 'SIGKILL');
    const next = await leader({ file: '/bin/true', args: [], stdio: 'ignore' });
    expect(await next.exited).toEqual({ code: 0, signal: null });
    expect(spawnerFor(helperPath()).pid).not.toBe(old.pid);
  });

  it('an idle spawner does not keep its owner alive', async () => {
    const { spawn } = await import('node:child_process');
    const { fileURLToPath } = await import('node:url');
    const script = `import { spawnLeader } from ${JSON.stringify(fileURLToPath(new URL('../dist/index.js', import.meta.url)))};
      const l = await spawnLeader({ file: '/bin/true', args: [], stdio: 'ignore', keep: false, helperPath: ${JSON.stringify(helperPath())} });
      console.log(JSON.stringify(await l.exited));`;
    const owner = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const out = collect(owner.stdout);
    const [code] = (await once(owner, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(out.text()).toBe('{"code":0,"signal":null}\n');
  });

  it('the spawner itself: argv0 pg-helper, its own session, every fd past 2 close-on-exec', async () => {
    const s = spawnerFor(helperPath());
    expect(readFileSync(`/proc/${s.pid}/cmdline`, 'latin1').split('\0')[0]).toBe('pg-helper');
    const fds = await openFds(s.pid);
    const kinds = fds.map((fd) => readlinkSync(`/proc/${s.pid}/fd/${fd}`).replace(/\d+/g, 'N'));
    // 0 /dev/null, 1 the reply pipe, 2 stderr (this test's), 3 the request socket, then its own
    // (signalfd, /dev/null) and whatever this test's environment leaked without FD_CLOEXEC.
    expect(kinds[0]).toBe('/dev/null');
    expect(kinds[1]).toMatch(/^(pipe|socket):\[N\]$/); // libuv's stdio 'pipe' is a socketpair
    expect(kinds[3]).toBe('socket:[N]');
    const O_CLOEXEC = 0o2000000;
    const flags = (fd: number) => parseInt(/^flags:\s+(\d+)$/m.exec(readFileSync(`/proc/${s.pid}/fdinfo/${fd}`, 'utf8'))?.[1] ?? '0', 8);
    expect(fds.filter((fd) => fd > 2 && (flags(fd) & O_CLOEXEC) === 0)).toEqual([]);
    const stat = readFileSync(`/proc/${s.pid}/stat`, 'utf8');
    expect(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3])).toBe(s.pid); // its own session
  });
});
