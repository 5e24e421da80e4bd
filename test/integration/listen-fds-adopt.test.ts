// The adopt helpers on real sockets opened the way an activator opens them, in this process:
// the right kind is adopted as it is (same port, queued connections served), a wrong kind is a
// clear error.
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, connect } from 'node:net';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import {
  bindDgram,
  describeFd,
  findListenFd,
  listenServer,
  ListenFdsError,
  openListenSocket,
  parseListenAddress,
} from '@pg/listen-fds';
import { describe, expect, it } from 'vitest';

const open = (address: string) => openListenSocket(parseListenAddress(address));

async function expectWrong(p: Promise<unknown>, pattern: RegExp) {
  const error = await p.catch((e: unknown) => e);
  expect(ListenFdsError.isInstance(error) && error.code).toBe('EWRONGSOCKET');
  expect((error as Error).message).toMatch(pattern);
}

describe('listenServer', () => {
  it('adopts a listening TCP socket: a connection queued before adoption is served', async () => {
    const fd = open('127.0.0.1:0');
    const { port } = describeFd(fd) as { port: number };
    // Connect before any server exists in Node: the kernel queues it on the listening socket.
    const client = connect(port, '127.0.0.1');
    await once(client, 'connect');
    const server = await listenServer(fd, createServer((s) => s.end('hi')));
    try {
      expect((server.address() as { port: number }).port).toBe(port);
      let text = '';
      client.setEncoding('utf8').on('data', (d: string) => (text += d));
      await once(client, 'end');
      expect(text).toBe('hi');
    } finally {
      server.close();
    }
  });

  it('adopts a listening Unix socket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'listen-fds-adopt-'));
    const path = join(dir, 'ctl.sock');
    const fd = open(path);
    expect(describeFd(fd)).toMatchObject({ family: 'unix', type: 'stream', listening: true, local: path, path });
    const server = await listenServer({ fd, name: 'ctl' }, createServer((s) => s.end('unix')));
    try {
      const client = connect({ path });
      let text = '';
      client.setEncoding('utf8').on('data', (d: string) => (text += d));
      await once(client, 'end');
      expect(text).toBe('unix');
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a UDP socket, a file and a closed fd', async () => {
    const udp = open('udp:127.0.0.1:0');
    const file = openSync('/dev/null', 'r');
    try {
      await expectWrong(listenServer(udp), /ipv4 dgram socket; expected a listening TCP or Unix stream socket/);
      await expectWrong(listenServer(file), /character-device/);
    } finally {
      closeSync(udp);
      closeSync(file);
    }
    await expectWrong(listenServer(udp), /closed/);
  });
});

describe('describeFd', () => {
  it('describes an abstract Unix socket by its exact name, as systemd binds it', () => {
    const name = `pg-listen-fds-abstract-${process.pid}`;
    const fd = open(`unix-seqpacket:@${name}`);
    try {
      expect(describeFd(fd)).toEqual({ fd, kind: 'socket', family: 'unix', type: 'seqpacket', listening: true, local: `@${name}`, path: name });
    } finally {
      closeSync(fd);
    }
  });

  it('describes an IPv6 TCP socket in the listen-address syntax', () => {
    const fd = open('[::1]:0');
    try {
      const d = describeFd(fd) as { local: string; port: number };
      expect(d).toMatchObject({ family: 'ipv6', type: 'stream', listening: true, host: '::1' });
      expect(d.local).toBe(`[::1]:${d.port}`);
      expect(parseListenAddress(d.local)).toEqual({ transport: 'tcp', host: '::1', port: d.port });
    } finally {
      closeSync(fd);
    }
  });
});

describe('bindDgram', () => {
  it('adopts a bound UDP socket and receives on it', async () => {
    const fd = open('udp:127.0.0.1:0');
    const { port } = describeFd(fd) as { port: number };
    const socket = await bindDgram(fd);
    const sender = createSocket('udp4');
    try {
      expect(socket.address().port).toBe(port);
      const received = once(socket, 'message');
      sender.send('ping', port, '127.0.0.1');
      const [msg] = (await received) as [Buffer];
      expect(msg.toString()).toBe('ping');
    } finally {
      socket.close();
      sender.close();
    }
  });

  it('adopts an IPv6 UDP socket as udp6', async () => {
    const socket = await bindDgram(open('udp:[::1]:0'));
    try {
      expect(socket.address().family).toBe('IPv6');
    } finally {
      socket.close();
    }
  });

  it('refuses a TCP socket and a Unix datagram socket', async () => {
    const tcp = open('127.0.0.1:0');
    const unixDgram = open(`unix-dgram:@pg-listen-fds-dgram-${process.pid}`);
    try {
      await expectWrong(bindDgram(tcp), /ipv4 stream socket \(listening\); expected a UDP socket/);
      await expectWrong(bindDgram(unixDgram), /unix dgram socket/);
    } finally {
      closeSync(tcp);
      closeSync(unixDgram);
    }
  });
});

describe('findListenFd', () => {
  it('finds the first descriptor with a name, or says which names there are', () => {
    const fds = [{ fd: 3, name: 'http' }, { fd: 4, name: 'admin' }, { fd: 5, name: 'http' }];
    expect(findListenFd(fds, 'http')).toEqual({ fd: 3, name: 'http' });
    const error = (() => {
      try {
        return findListenFd(fds, 'dns');
      } catch (e) {
        return e;
      }
    })();
    expect(ListenFdsError.isInstance(error) && error.code).toBe('ENONAME');
    expect((error as Error).message).toContain('"admin"');
  });
});
