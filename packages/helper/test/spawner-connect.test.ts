// `pg-helper --spawner --connect PATH`: a spawner someone else starts (the systemd user manager,
// test/integration/user-manager-conformance.test.ts) connects back to its owner for its two ends.
// Here the owner launches it itself, so the hand-over, the lifeline and bad input are checked
// without a user manager (and under ASan in the sanitizer run).
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HelperError, spawnLeader, type SpawnerConnection } from '../src/index.js';
import { C, cloexecSocketPair, libc, rightsMessage, unixAddress } from '../src/spawner/ffi.js';
import { connectBack } from '../src/spawner/user-manager.js';
import { alive, helperPath, ownerOf, procStat, until } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'pg-connect-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

/** A spawner launched by this process with `--connect`, handed its ends by `connectBack`. */
async function connected(): Promise<{ connection: SpawnerConnection; launched: number }> {
  let launched = -1;
  const connection = await connectBack({
    path: join(dir, `s${++n}.sock`),
    launch: (path) => {
      const child = spawn(helperPath(), ['--spawner', '--connect', path, '--owner', ownerOf()], { stdio: ['ignore', 'ignore', 'inherit'], detached: true });
      launched = child.pid ?? -1;
      return child;
    },
    check: (pid) => expect(pid).toBe(launched),
    ended: 'its reply pipe closed',
    timeoutMs: 30_000,
  });
  return { connection, launched };
}

describe('spawner --connect', () => {
  it('takes its ends over the socket, serves spawns, and exits when the owner closes its end', async () => {
    const { connection, launched } = await connected();
    expect(connection.pid).toBe(launched);
    const l = await spawnLeader({ file: '/bin/sh', args: ['-c', 'exit 4'], keep: false, stdio: 'ignore', helperPath: helperPath(), spawner: connection });
    expect(procStat(l.pid)?.ppid ?? launched).toBe(launched);
    expect(await l.exited).toEqual({ code: 4, signal: null });
    l.release();
    const start = procStat(launched)?.start ?? -1;
    await connection.close();
    await until(() => !alive({ pid: launched, start }), 'the spawner to exit once its request socket closed');
  });

  it('when it is SIGKILLed, its replies close and a request says so', async () => {
    const { connection, launched } = await connected();
    const l = await spawnLeader({ file: '/bin/sleep', args: ['300'], keep: false, stdio: 'ignore', helperPath: helperPath(), spawner: connection });
    process.kill(launched, 'SIGKILL');
    const exit = await l.exited;
    expect(exit.lost?.message).toMatch(new RegExp(`spawner \\(pid ${launched}\\) ended with its reply pipe closed`));
    process.kill(l.pid, 'SIGKILL');
    expect(connection.alive).toBe(false);
  });

  it('refuses a relative or too long path, and a hand-over that is not its two ends, with exit status 125', async () => {
    for (const bad of ['relative.sock', `/${'x'.repeat(120)}`]) {
      const r = spawnSync(helperPath(), ['--spawner', '--connect', bad], { encoding: 'utf8' });
      expect(r.status).toBe(125);
      expect(r.stderr).toMatch(/--connect expects an absolute socket path of at most 107 bytes/);
    }
    // An owner that sends one fd, not two: the spawner says what it got and exits.
    const c = libc();
    const path = join(dir, 'wrong.sock');
    const { address, length } = unixAddress(path);
    const listener = c.socket(C.AF_UNIX, C.SOCK_SEQPACKET | C.SOCK_CLOEXEC | C.SOCK_NONBLOCK, 0);
    expect(c.bind(listener, address, length)).toBe(0);
    expect(c.listen(listener, 1)).toBe(0);
    const child = spawn(helperPath(), ['--spawner', '--connect', path], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let conn = -1;
    await until(() => (conn = c.accept4(listener, C.SOCK_CLOEXEC)) >= 0, 'the spawner to connect');
    const [a, b] = cloexecSocketPair(C.SOCK_SEQPACKET);
    expect(c.sendmsg(conn, Buffer.from('fds'), rightsMessage([a]), C.MSG_NOSIGNAL)).toBe(3);
    for (const fd of [a, b, conn, listener]) closeSync(fd);
    expect(await exited).toBe(125);
    expect(stderr).toMatch(/receive the spawner's ends from .*wrong\.sock \(3 bytes, 1 fds\)/);
  });

  it('a launch that fails is an EUSERMANAGER error naming it, and nothing is left listening', async () => {
    const path = join(dir, 'failed.sock');
    const failed = await connectBack({
      path,
      launch: () => spawn('/bin/sh', ['-c', 'echo no manager here >&2; exit 3'], { stdio: ['ignore', 'ignore', 'pipe'] }),
      check: () => undefined,
      ended: '',
      timeoutMs: 30_000,
    }).catch((e: unknown) => e);
    expect(HelperError.isInstance(failed) && failed.code).toBe('EUSERMANAGER');
    expect((failed as Error).message).toMatch(/\/bin\/sh ended with exit code 3: no manager here/);
    expect(spawnSync('/bin/sh', ['-c', `test -e ${path}`]).status).toBe(1);
  });
});
