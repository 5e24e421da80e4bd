// The leader's stdio through the spawner, and each pitfall the prototype met (docs/linux.md):
// pipes are O_CLOEXEC (a concurrent spawn must not inherit one and delay EOF), this process's
// copy of each child end is closed (or no EOF ever comes), read ends are net.Sockets (a blocking
// fs stream would park a threadpool thread), O_NONBLOCK is cleared on the leader's 0..2, and the
// leader gets exactly the fds asked for.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, readlinkSync } from 'node:fs';
import { Socket } from 'node:net';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { closeSpawner } from '../src/index.js';
import { collect, procStat, until } from './helpers.js';
import { killLeaders, leader } from './spawner-helpers.js';

afterEach(killLeaders);
afterAll(closeSpawner);

const O_NONBLOCK = 0o4000;

describe('spawner stdio', () => {
  it("'pipe': net.Sockets both ways; stdout ends when the leader exits", async () => {
    const l = await leader({ file: '/bin/sh', args: ['-c', 'read line; echo "got $line"; echo oops >&2'], stdio: 'pipe' });
    expect(l.stdin).toBeInstanceOf(Socket);
    expect(l.stdout).toBeInstanceOf(Socket);
    const out = collect(l.stdout);
    const err = collect(l.stderr);
    l.stdin?.end('hello\n');
    await Promise.all([out.ended, err.ended]);
    expect(out.text()).toBe('got hello\n');
    expect(err.text()).toBe('oops\n');
    expect(await l.exited).toEqual({ code: 0, signal: null });
  });

  it('EOF comes at once even while an unrelated child started meanwhile still runs (O_CLOEXEC pipes)', async () => {
    const l = await leader({ file: '/bin/sh', args: ['-c', 'echo ready; read x'], stdio: ['pipe', 'pipe', 'ignore'] });
    const out = collect(l.stdout);
    await until(() => out.text() === 'ready\n', 'the leader');
    // A plain spawn while the pipes exist: it must inherit none of them.
    const other = spawn('/bin/sleep', ['300'], { stdio: 'ignore' });
    try {
      const links = (await import('node:fs')).readdirSync(`/proc/${other.pid}/fd`).map((fd) => readlinkSync(`/proc/${other.pid}/fd/${fd}`));
      const ours = [l.stdin, l.stdout].map((s) => readlinkSync(`/proc/self/fd/${(s as unknown as { _handle: { fd: number } })._handle.fd}`));
      expect(ours.every((link) => link.startsWith('pipe:'))).toBe(true);
      expect(links.filter((link) => ours.includes(link))).toEqual([]);
      l.stdin?.end('\n');
      await out.ended;
      expect(other.exitCode).toBe(null); // ended while the other child lives on
    } finally {
      other.kill('SIGKILL');
      await once(other, 'exit');
    }
  });

  it("the leader gets exactly its fds: 0..2 and the ones asked for, none of the spawner's", async () => {
    const l = await leader({ file: '/bin/sleep', args: ['300'], stdio: ['ignore', 'pipe', 'ignore', 'ignore', 'pipe'] });
    // sleep opens nothing of its own: what /proc shows once it sleeps is what it was given. (Not
    // as soon as comm says "sleep": execve sets the name before it closes the close-on-exec fds.)
    await until(() => readFileSync(`/proc/${l.pid}/comm`, 'utf8') === 'sleep\n' && procStat(l.pid)?.state === 'S', 'the leader to sleep in sleep');
    const fds = (await import('node:fs')).readdirSync(`/proc/${l.pid}/fd`).map(Number).sort();
    expect(fds).toEqual([0, 1, 2, 4]);
    expect(readlinkSync(`/proc/${l.pid}/fd/0`)).toBe('/dev/null');
  });

  it("'inherit' and fd numbers pass this process's fds; O_NONBLOCK is cleared on the leader's 0..2", async () => {
    // A pipe whose write end Node made non-blocking (net.Socket does): given as the leader's fd 1.
    const [readEnd, writeEnd] = await import('../src/spawner/ffi.js').then((m) => m.cloexecPipe());
    const near = new Socket({ fd: writeEnd, readable: false, writable: true });
    const reader = new Socket({ fd: readEnd, readable: true, writable: false });
    const out = collect(reader);
    try {
      expect(parseInt(/^flags:\s+(\d+)$/m.exec(readFileSync(`/proc/self/fdinfo/${writeEnd}`, 'utf8'))?.[1] ?? '0', 8) & O_NONBLOCK).toBe(O_NONBLOCK);
      const l = await leader({ file: '/bin/sh', args: ['-c', 'grep ^flags /proc/self/fdinfo/1'], stdio: ['ignore', near, 'inherit'] });
      expect(await l.exited).toEqual({ code: 0, signal: null });
      near.destroy();
      await out.ended;
      const flags = parseInt(/^flags:\s+(\d+)$/m.exec(out.text())?.[1] ?? 'x', 8);
      expect(Number.isNaN(flags)).toBe(false);
      expect(flags & O_NONBLOCK).toBe(0);
    } finally {
      near.destroy();
      reader.destroy();
    }
  });
});
