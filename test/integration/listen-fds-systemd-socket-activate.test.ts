// The receiver under a real activator: systemd-socket-activate (systemd 252) binds the port,
// execs the Node fixture on the first connection, and the fixture adopts the socket and serves.
import { spawn, type ChildProcess } from 'node:child_process';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { httpGet } from './http-get.js';

const SERVICE = new URL('../fixtures/listen-fds-http-service.mjs', import.meta.url).pathname;
const EXAMPLE = new URL('../../examples/socket-activated-http/server.mjs', import.meta.url).pathname;
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

/** A port that was free a moment ago (the activator binds it; a lost race is retried). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Start systemd-socket-activate on a free port; resolve once it listens. Retries a port taken meanwhile. */
async function activateWithSystemd(args: string[]): Promise<{ child: ChildProcess; port: number }> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const child = spawn('/usr/bin/systemd-socket-activate', ['-l', `127.0.0.1:${port}`, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    started.push(child);
    let err = '';
    const ready = await new Promise<boolean>((resolve) => {
      child.stderr!.setEncoding('utf8').on('data', (d: string) => {
        err += d;
        if (err.includes('Listening on')) resolve(true);
      });
      child.once('exit', () => resolve(false));
    });
    if (ready) return { child, port };
    if (!err.includes('in use')) throw new Error(`systemd-socket-activate failed: ${err}`);
  }
  throw new Error('no free port after 5 attempts');
}

describe('listenFds under systemd-socket-activate', () => {
  it('adopts the socket and serves HTTP on it, twice, from the same process', async () => {
    const { child, port } = await activateWithSystemd(['--fdname=http', process.execPath, SERVICE, 'http']);
    const first = await httpGet(port);
    // systemd-socket-activate execs the service: same pid, which is the LISTEN_PID it was given.
    expect(first.pid).toBe(child.pid);
    expect(first.seen).toEqual({ LISTEN_PID: String(child.pid), LISTEN_FDNAMES: 'http' });
    expect(first.fds).toEqual([{ fd: 3, name: 'http' }]);
    expect(first.envLeft).toBe(null);
    expect(first.requests).toBe(1);
    const second = await httpGet(port);
    // Still the same process on the same socket: it was adopted, not re-bound by a new one.
    expect(second.pid).toBe(child.pid);
    expect(second.requests).toBe(2);
  });

  it('runs the example service', async () => {
    const { child, port } = await activateWithSystemd(['--fdname=http', process.execPath, EXAMPLE]);
    const body = await new Promise<string>((resolve, reject) => {
      get({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (d: string) => (text += d));
        res.on('end', () => resolve(text));
      }).on('error', reject);
    });
    expect(body).toContain(`pid ${child.pid}`);
  });
});
