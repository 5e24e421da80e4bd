// The LISTEN_PIDFDID identity check: the right id gives the fds; a wrong id, or a wrapper between
// the activator and the service (the pid changes), gives nothing, and the variables are unset.
import { spawn } from 'node:child_process';
import { activate, openListenSocket, parseListenAddress } from '@pg/listen-fds';
import { ownPidfdId } from '@pg/pidfd';
import { closeSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const REPORT = new URL('../fixtures/listen-fds-report.mjs', import.meta.url).pathname;
const UNSET = { LISTEN_PID: null, LISTEN_PIDFDID: null, LISTEN_FDS: null, LISTEN_FDNAMES: null };

type Report = {
  pid: number;
  ownPidfdId: string;
  before: Record<string, string | null>;
  after: Record<string, string | null>;
  fds?: { fd: number; name: string }[];
  error?: string;
};

/** Wait for a child's exit and parse the one JSON line it printed. */
function report(child: import('node:child_process').ChildProcess): Promise<Report> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(JSON.parse(out) as Report) : reject(new Error(`exit ${code}: ${out}`))));
  });
}

describe('LISTEN_PIDFDID', () => {
  it('the right id (set by activate()) gives the descriptors, and every variable is unset after', async () => {
    const a = await activate(process.execPath, [REPORT], { sockets: [{ socket: '127.0.0.1:0', name: 'web' }], stdio: ['ignore', 'pipe', 'inherit'] });
    const r = await report(a.child);
    expect(a.pidfdId).toBeTypeOf('bigint');
    expect(r.pid).toBe(a.pid);
    expect(r.before.LISTEN_PID).toBe(String(r.pid));
    expect(r.before.LISTEN_PIDFDID).toBe(r.ownPidfdId);
    expect(r.ownPidfdId).toBe(String(a.pidfdId));
    expect(r.fds).toEqual([{ fd: 3, name: 'web' }]);
    expect(r.after).toEqual(UNSET);
  });

  it('a wrong id gives nothing, with the variables unset', async () => {
    const fd = openListenSocket(parseListenAddress('127.0.0.1:0'));
    try {
      // The right pid (set by the shell that execs node), but this test process's pidfd id.
      const wrong = String(ownPidfdId());
      const child = spawn('/bin/sh', ['-c', 'LISTEN_PID=$$; export LISTEN_PID; exec "$@"', 'sh', process.execPath, REPORT], {
        env: { ...process.env, LISTEN_FDS: '1', LISTEN_FDNAMES: 'web', LISTEN_PIDFDID: wrong },
        stdio: ['ignore', 'pipe', 'inherit', fd],
      });
      const r = await report(child);
      expect(r.before).toEqual({ LISTEN_PID: String(r.pid), LISTEN_PIDFDID: wrong, LISTEN_FDS: '1', LISTEN_FDNAMES: 'web' });
      expect(r.ownPidfdId).not.toBe(wrong);
      expect(r.fds).toEqual([]);
      expect(r.after).toEqual(UNSET);
    } finally {
      closeSync(fd);
    }
  });

  it('the same setup with the right id does give the descriptors (control for the test above)', async () => {
    const fd = openListenSocket(parseListenAddress('127.0.0.1:0'));
    try {
      // No id at all: the pid check alone decides, as with systemd 252.
      const child = spawn('/bin/sh', ['-c', 'LISTEN_PID=$$; export LISTEN_PID; exec "$@"', 'sh', process.execPath, REPORT], {
        env: { ...process.env, LISTEN_FDS: '1', LISTEN_FDNAMES: 'web' },
        stdio: ['ignore', 'pipe', 'inherit', fd],
      });
      const r = await report(child);
      expect(r.fds).toEqual([{ fd: 3, name: 'web' }]);
      expect(r.after).toEqual(UNSET);
    } finally {
      closeSync(fd);
    }
  });

  it('a sh -c wrapper between the activator and the service (the pid changes) gives nothing', async () => {
    // "$@" is not the last command, so the shell forks node instead of exec'ing it.
    const a = await activate('/bin/sh', ['-c', '"$@"; exit $?', 'wrapper', process.execPath, REPORT], {
      sockets: [{ socket: '127.0.0.1:0', name: 'web' }],
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const r = await report(a.child);
    expect(r.pid).not.toBe(a.pid);
    expect(r.before.LISTEN_PID).toBe(String(a.pid));
    expect(r.before.LISTEN_PIDFDID).toBe(String(a.pidfdId));
    expect(r.fds).toEqual([]);
    expect(r.after).toEqual(UNSET);
  });

  it.each([
    ['a malformed id with the right pid is EINVAL', 'SELF', 'abc', { error: 'EINVAL' }],
    ['a negative id is ERANGE', 'SELF', '-5', { error: 'ERANGE' }],
    ['an id beyond 64 bits is ERANGE', 'SELF', '18446744073709551616', { error: 'ERANGE' }],
    ['a malformed id for another pid is not looked at', '1', 'abc', { fds: [] }],
  ])('%s', async (_, pid, id, expected) => {
    const fd = openListenSocket(parseListenAddress('127.0.0.1:0'));
    try {
      const script = pid === 'SELF' ? 'LISTEN_PID=$$; export LISTEN_PID; exec "$@"' : 'exec "$@"';
      const child = spawn('/bin/sh', ['-c', script, 'sh', process.execPath, REPORT], {
        env: { ...process.env, LISTEN_FDS: '1', LISTEN_PIDFDID: id, ...(pid === 'SELF' ? {} : { LISTEN_PID: pid }) },
        stdio: ['ignore', 'pipe', 'inherit', fd],
      });
      const r = await report(child);
      expect(r.before.LISTEN_PIDFDID).toBe(id);
      expect(r).toMatchObject(expected);
      expect(r.after).toEqual(UNSET);
    } finally {
      closeSync(fd);
    }
  });
});
