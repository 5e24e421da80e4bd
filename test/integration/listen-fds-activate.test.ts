// pg's activate(): the program finally run sees its sockets at 3.. (and nothing else), the four
// variables with its own pid and pidfd id, and libsystemd's own receiver accepts them.
import { spawn as nodeSpawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { activate, describeFd, ListenFdsError } from '@pg/listen-fds';
import { afterEach, describe, expect, it } from 'vitest';
import { httpGet } from './http-get.js';

const SERVICE = new URL('../fixtures/listen-fds-http-service.mjs', import.meta.url).pathname;
const REPORT = new URL('../fixtures/listen-fds-report.mjs', import.meta.url).pathname;
const SD_RECEIVER = new URL('../fixtures/listen-fds-sd-receiver.mjs', import.meta.url).pathname;
const EXEC_CHILD = new URL('../fixtures/listen-fds-exec-child.mjs', import.meta.url).pathname;
// Lists the shell's own descriptors: ls is a child reading /proc/<shell>/fd, so the shell opens
// nothing for it (a glob or a $(...) would add a descriptor of its own to the listing).
const LIST_FDS = 'ls -l /proc/$$/fd; exit 0';
/** `ls -l` lines → { fd, target }. */
const parseLs = (out: string) =>
  [...out.matchAll(/ (\d+) -> (.*)$/gm)].map((m) => ({ fd: Number(m[1]), target: m[2] as string })).sort((x, y) => x.fd - y.fd);

/**
 * Descriptors above 2 that this test process itself lets every child inherit (no O_CLOEXEC in
 * /proc/self/fdinfo): leaked to it by whatever started it. Node's spawn passes them on to any
 * child, with or without activate(), so the expectations below allow exactly these.
 */
function inheritedByEveryChild(): number[] {
  return readdirSync('/proc/self/fd')
    .map(Number)
    .filter((fd) => fd > 2)
    .filter((fd) => {
      try {
        const flags = /flags:\s+([0-7]+)/.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1];
        return flags !== undefined && (parseInt(flags, 8) & 0o2000000) === 0;
      } catch {
        return false;
      }
    });
}

const started: ChildProcess[] = [];
afterEach(async () => {
  for (const child of started.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }
  }
});

function output(child: ChildProcess): Promise<string> {
  started.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.once('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${out}`))));
  });
}

const openFds = () => readdirSync('/proc/self/fd').length;
const children = () =>
  readdirSync('/proc/self/task')
    .map((t) => readFileSync(`/proc/self/task/${t}/children`, 'utf8').trim())
    .join(' ')
    .trim();

describe('activate()', () => {
  it('launches the HTTP service, which serves two connections from the adopted socket', async () => {
    const a = await activate(process.execPath, [SERVICE, 'http'], {
      sockets: [{ socket: '127.0.0.1:0', name: 'http' }],
      stdio: ['ignore', 'ignore', 'inherit'],
      keepSockets: true,
    });
    started.push(a.child);
    const parentFd = a.sockets[0]!.fd;
    const d = describeFd(parentFd);
    a.close();
    expect(d.kind === 'socket' && d.listening).toBe(true);
    const port = (d as { port: number }).port;
    const first = await httpGet(port);
    expect(first.pid).toBe(a.pid);
    expect(first.seen).toEqual({ LISTEN_PID: String(a.pid), LISTEN_FDNAMES: 'http' });
    expect(first.requests).toBe(1);
    const second = await httpGet(port);
    expect(second).toMatchObject({ pid: a.pid, requests: 2 });
    expect(a.sockets[0]!.open).toBe(false);
  });

  it("is accepted by libsystemd's own sd_listen_fds_with_names(), and the id the child sees is its pidfd id", async () => {
    const a = await activate(process.execPath, [SD_RECEIVER], {
      sockets: [
        { socket: '127.0.0.1:0', name: 'web' },
        { socket: `@pg-listen-fds-test-${process.pid}`, name: 'ctl' },
        { socket: 'udp:127.0.0.1:0', name: 'dns' },
      ],
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const r = JSON.parse(await output(a.child)) as Record<string, unknown>;
    expect(r.pid).toBe(a.pid);
    expect(r.r).toBe(3);
    expect(r.names).toEqual(['web', 'ctl', 'dns']);
    // sd_is_socket(fd, 0, 0, listening = 1): the two stream sockets listen, the UDP one cannot.
    expect(r.listening).toEqual([1, 1, 0]);
    expect(r.seen).toEqual({ LISTEN_PID: String(a.pid), LISTEN_PIDFDID: String(a.pidfdId), LISTEN_FDS: '3', LISTEN_FDNAMES: 'web:ctl:dns' });
    expect(r.ownPidfdId).toBe(String(a.pidfdId));
    expect(r.left).toBe(null);
  });

  it.each([2, 7, 16])('the program sees exactly its %i sockets at 3.. and not the pre-exec pipe', async (n) => {
    // More than 6 sockets put the pipe above fd 9, which needs bash for the pre-exec step.
    const sockets = Array.from({ length: n }, (_, i) => ({ socket: '127.0.0.1:0', name: `s${i}` }));
    const a = await activate('/bin/sh', ['-c', LIST_FDS], { sockets, stdio: ['ignore', 'pipe', 'inherit'] });
    const leaked = inheritedByEveryChild();
    const listed = parseLs(await output(a.child)).filter((e) => !leaked.includes(e.fd));
    expect(listed.map((e) => e.fd)).toEqual([0, 1, 2, ...Array.from({ length: n }, (_, i) => 3 + i)]);
    for (const e of listed.filter((x) => x.fd >= 3)) expect(e.target).toMatch(/^socket:\[\d+\]$/);
  });

  it('a program that execs another after listenFds() passes on neither the variables nor the descriptors', async () => {
    // 16 sockets reach fd 18, beyond the 0..15 that Node marks close-on-exec at start-up itself.
    const sockets = Array.from({ length: 16 }, () => '127.0.0.1:0');
    const a = await activate(process.execPath, [EXEC_CHILD], { sockets, stdio: ['ignore', 'pipe', 'inherit'] });
    const r = JSON.parse(await output(a.child)) as { received: number[]; inherited: number[]; listenVars: string[] };
    expect(r.received).toEqual(Array.from({ length: 16 }, (_, i) => 3 + i));
    expect(r.inherited.filter((fd) => !inheritedByEveryChild().includes(fd))).toEqual([0, 1, 2]);
    expect(r.listenVars).toEqual([]);
  });

  it('composes with a spawn adapter that wraps the program in its own pre-exec step', async () => {
    const seen: { file: string; args: string[]; stdio: unknown[] }[] = [];
    const a = await activate(process.execPath, [REPORT], {
      sockets: [{ socket: '127.0.0.1:0', name: 'a' }, { socket: '127.0.0.1:0', name: 'b' }],
      stdio: ['ignore', 'pipe', 'inherit'],
      // Like spawnGroup's placement step: a shell that does its own work, then execs.
      spawn: (file, args, opts) => {
        seen.push({ file, args, stdio: opts.stdio });
        return nodeSpawn('/bin/sh', ['-c', ': own pre-exec work; exec "$@"', 'adapter', file, ...args], opts as never);
      },
    });
    const r = JSON.parse(await output(a.child)) as { pid: number; ownPidfdId: string; fds: unknown; before: Record<string, string> };
    expect(seen).toHaveLength(1);
    expect(seen[0]!.stdio).toHaveLength(6);
    expect(r.pid).toBe(a.pid);
    expect(r.ownPidfdId).toBe(String(a.pidfdId));
    expect(r.before.LISTEN_PID).toBe(String(a.pid));
    expect(r.fds).toEqual([{ fd: 3, name: 'a' }, { fd: 4, name: 'b' }]);
  });

  it('takes the pid from an adapter result shaped like a ProcessGroup ({ leader: { pid } })', async () => {
    let child: ChildProcess | undefined;
    const a = await activate(process.execPath, [REPORT], {
      sockets: ['127.0.0.1:0'],
      stdio: ['ignore', 'pipe', 'inherit'],
      spawn: async (file, args, opts) => {
        child = nodeSpawn(file, args, opts as never);
        return { leader: { pid: child.pid } };
      },
    });
    const r = JSON.parse(await output(child!)) as { pid: number; fds: unknown };
    expect(a.pid).toBe(child!.pid);
    expect(r.fds).toEqual([{ fd: 3, name: 'unknown' }]);
  });
});

describe('activate() refuses bad input before anything is spawned, and leaks nothing', () => {
  it.each([
    ['a name with ":"', { sockets: [{ socket: '127.0.0.1:0', name: 'a:b' }] }],
    ['a name with a control character', { sockets: ['127.0.0.1:0', { socket: '127.0.0.1:0', name: 'a\nb' }] }],
    ['a name longer than 255', { sockets: [{ socket: '127.0.0.1:0', name: 'x'.repeat(256) }] }],
    ['a non-ASCII name', { sockets: [{ socket: '127.0.0.1:0', name: 'café' }] }],
    ['a bad address', { sockets: ['127.0.0.1:0', 'localhost:80'] }],
    ['no sockets', { sockets: [] }],
    ['stdio beyond fd 2', { sockets: ['127.0.0.1:0'], stdio: ['ignore', 'ignore', 'ignore', 'ignore'] }],
    ['a closed fd', { sockets: [1000] }],
  ])('%s: TypeError', async (_, options) => {
    const fds = openFds();
    const kids = children();
    let called = false;
    await expect(
      activate('/bin/true', [], {
        ...(options as { sockets: never[] }),
        spawn: (f, a, o) => {
          called = true;
          return nodeSpawn(f, a, o as never);
        },
      }),
    ).rejects.toThrow(TypeError);
    expect(called).toBe(false);
    expect(openFds()).toBe(fds);
    expect(children()).toBe(kids);
  });

  it('a socket that cannot be bound: ListenFdsError with the errno, the sockets opened before it closed', async () => {
    const holder = await activate('/bin/sleep', ['60'], { sockets: ['127.0.0.1:0'], stdio: 'ignore', keepSockets: true });
    started.push(holder.child);
    const busy = describeFd(holder.sockets[0]!.fd) as { port: number };
    const fds = openFds();
    const kids = children();
    const error = await activate('/bin/true', [], { sockets: ['127.0.0.1:0', `@pg-listen-fds-ok-${process.pid}`, `127.0.0.1:${busy.port}`] }).catch((e: unknown) => e);
    expect(ListenFdsError.isInstance(error) && error.code).toBe('EADDRINUSE');
    expect(openFds()).toBe(fds);
    expect(children()).toBe(kids);
    holder.close();
  });

  it('an adapter that fails: its error, and the sockets and the pipe closed', async () => {
    const fds = openFds();
    const error = await activate('/bin/true', [], {
      sockets: ['127.0.0.1:0', 'udp:127.0.0.1:0'],
      spawn: () => {
        throw new Error('adapter refused');
      },
    }).catch((e: unknown) => e);
    expect((error as Error).message).toBe('adapter refused');
    expect(openFds()).toBe(fds);
  });

  it('an adapter that returns no pid: ESPAWN, and the sockets and the pipe closed', async () => {
    const fds = openFds();
    let child: ChildProcess | undefined;
    const error = await activate('/bin/true', [], {
      sockets: ['127.0.0.1:0'],
      spawn: (file, args, opts) => {
        // Started, but the adapter hides it: activate() cannot know what to wait for.
        child = nodeSpawn(file, args, opts as never);
        started.push(child);
        return { pid: undefined };
      },
    }).catch((e: unknown) => e);
    expect(ListenFdsError.isInstance(error) && error.code).toBe('ESPAWN');
    expect(openFds()).toBe(fds);
    // The step never got its line: the pipe's write end was closed, so it exits without running the program.
    const status = await new Promise((resolve) => child!.once('exit', (code) => resolve(code)));
    expect(status).toBe(125);
  });
});

describe('activate() and a program that cannot run', () => {
  it('a missing program ends the child with status 127', async () => {
    const a = await activate('/nonexistent/program', [], { sockets: ['127.0.0.1:0'], stdio: 'ignore' });
    started.push(a.child);
    const code = await new Promise((resolve) => a.child.once('exit', (c) => resolve(c)));
    expect(code).toBe(127);
  });
});
