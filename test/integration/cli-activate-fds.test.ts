// `pg activate` (sending side) and `pg fds` (receiving side), against each other and against
// systemd's own sender, systemd-socket-activate.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PG, pg, start, waitForOutput, waitUntil, killPid } from '../fixtures/cli-harness.js';

const SYSTEMD_SOCKET_ACTIVATE = '/usr/bin/systemd-socket-activate';
const dirs: string[] = [];
const started: number[] = [];
afterEach(() => {
  for (const pid of started.splice(0)) killPid(pid);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

type Fds = {
  listenPid: string | null;
  listenPidfdId: string | null;
  fds: { fd: number; name: string; kind: string; family?: string; type?: string; listening?: boolean; local?: string; path?: string }[];
};

describe('pg activate and pg fds', () => {
  it('passes a TCP and a Unix socket with names, LISTEN_PID and LISTEN_PIDFDID', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pg-activate-'));
    dirs.push(dir);
    const path = join(dir, 'ctl.sock');
    const r = await pg(['activate', '-l', '127.0.0.1:0', '-l', path, '--fdname', 'web:ctl', '--', process.execPath, PG, 'fds', '--json']);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const out = JSON.parse(r.stdout) as Fds;
    expect(out.listenPid).toMatch(/^\d+$/);
    expect(out.fds).toMatchObject([
      { fd: 3, name: 'web', kind: 'socket', family: 'ipv4', type: 'stream', listening: true },
      { fd: 4, name: 'ctl', kind: 'socket', family: 'unix', type: 'stream', listening: true, local: path },
    ]);
    expect(out.fds[0]?.local).toMatch(/^127\.0\.0\.1:\d+$/);
    // listenFds() accepted the descriptors, so LISTEN_PIDFDID (where set) matched pg fds' own id.
    if (out.listenPidfdId !== null) expect(out.listenPidfdId).toMatch(/^\d+$/);
  });

  it('the activated program can serve on its socket, and its status is passed through', async () => {
    const server = `
      const net = require('node:net');
      const s = net.createServer((c) => { c.end('hello from fd 3'); s.close(); }).listen({ fd: 3 }, () => {
        process.stdout.write('serving ' + s.address().port + '\\n');
      });
      s.on('close', () => process.exit(11));
    `;
    const run = start(process.execPath, [PG, 'activate', '-l', '127.0.0.1:0', '--', process.execPath, '-e', server]);
    started.push(run.pid as number);
    const port = Number((await waitForOutput(run, /serving (\d+)/))[1]);
    const reply = await new Promise<string>((resolve, reject) => {
      let text = '';
      net.connect(port, '127.0.0.1').on('data', (d) => (text += d)).on('end', () => resolve(text)).on('error', reject);
    });
    expect(reply).toBe('hello from fd 3');
    expect((await run).exitCode).toBe(11);
  });

  it('pg fds without activation reports nothing passed', async () => {
    const r = await pg(['fds', '--json'], { env: { ...process.env, LISTEN_PID: undefined, LISTEN_FDS: undefined } });
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ listenPid: null, fds: [] });
  });

  it('pg fds rejects malformed variables (exit 1)', async () => {
    const r = await pg(['fds'], { env: { ...process.env, LISTEN_PID: 'garbage', LISTEN_FDS: '1' } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/LISTEN_PID/);
  });

  it('a bad address or name is a usage error and nothing runs', async () => {
    const bad = await pg(['activate', '-l', 'tcp:/not/a/port', '--', 'sh', '-c', 'echo ran']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stdout).toBe('');
    const names = await pg(['activate', '-l', '127.0.0.1:0', '--fdname', 'a:b', '--', 'sh', '-c', 'echo ran']);
    expect(names.exitCode).toBe(2);
    expect(names.stdout).toBe('');
    const none = await pg(['activate', '--', 'true']);
    expect(none.exitCode).toBe(2);
  });

  it.skipIf(!existsSync(SYSTEMD_SOCKET_ACTIVATE))('pg fds reads what systemd-socket-activate passes', async () => {
    // systemd 252 refuses port 0, so a Unix socket in a fresh directory (no port to race for).
    const dir = mkdtempSync(join(tmpdir(), 'pg-activate-'));
    dirs.push(dir);
    const path = join(dir, 'sd.sock');
    const activator = start(SYSTEMD_SOCKET_ACTIVATE, ['-l', path, '--fdname', 'sd', process.execPath, PG, 'fds', '--json']);
    started.push(activator.pid as number);
    // It starts the program on the first connection: connect once the socket exists.
    await waitUntil(() => existsSync(path), 'systemd-socket-activate listens');
    const client = net.connect(path).on('error', () => undefined);
    const r = await activator;
    client.destroy();
    expect(r.exitCode).toBe(0);
    const out = JSON.parse(String(r.stdout)) as Fds;
    expect(out.fds).toMatchObject([{ fd: 3, name: 'sd', kind: 'socket', family: 'unix', type: 'stream', listening: true, local: path }]);
  });
});
