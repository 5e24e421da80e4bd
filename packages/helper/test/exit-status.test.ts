// The leader's end comes back twice: as the `exit` line (leaderExit) and as the helper's own exit
// status (exited). Failing to exec rejects with the errno name, after the helper was reaped.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { findHelper, HelperError, startHelper } from '../src/index.js';
import { cleanup, descendants, helperPath, options, track } from './helpers.js';

afterEach(cleanup);
const scratch = mkdtempSync(join(tmpdir(), 'pg-helper-exit-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function run(script: string) {
  const h = track(await startHelper(options('/bin/sh', ['-c', script], { cwd: scratch })));
  return { leader: await h.leaderExit, helper: await h.exited };
}

describe('exit status', () => {
  it('an exit code', async () => {
    expect(await run('exit 7')).toEqual({ leader: { code: 7, signal: null }, helper: { code: 7, signal: null } });
  });

  it('a killing signal, re-raised by the helper on itself', async () => {
    const end = { code: null, signal: 'SIGTERM' };
    expect(await run('kill -TERM $$')).toEqual({ leader: end, helper: end });
  });

  it('SIGKILL too', async () => {
    const end = { code: null, signal: 'SIGKILL' };
    expect(await run('kill -KILL $$')).toEqual({ leader: end, helper: end });
  });

  it('a core-dumping signal ends the helper by the same signal without a core of its own', async () => {
    const end = { code: null, signal: 'SIGQUIT' };
    // The shell limits its own core size so the leader leaves no core file either.
    expect(await run('ulimit -c 0; kill -QUIT $$')).toEqual({ leader: end, helper: end });
    expect(readdirSync(scratch).filter((n) => n.startsWith('core'))).toEqual([]);
  });
});

describe('exec failure', () => {
  async function failure(file: string): Promise<HelperError> {
    const error = await startHelper(options(file, [])).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!HelperError.isInstance(error)) throw new Error(`expected a HelperError, got ${String(error)}`);
    return error;
  }

  it('ENOENT for a missing file, with the helper already reaped', async () => {
    const error = await failure(join(scratch, 'missing'));
    expect(error).toMatchObject({ code: 'ENOENT', syscall: 'execv', name: 'HelperError' });
    expect(descendants(process.pid).filter((p) => p.state === 'Z')).toEqual([]);
  });

  it('EACCES for a file without the execute bit', async () => {
    const file = join(scratch, 'not-executable');
    writeFileSync(file, '#!/bin/sh\nexit 0\n');
    chmodSync(file, 0o644);
    expect(await failure(file)).toMatchObject({ code: 'EACCES' });
  });

  it('EHELPER when the helper ends without a word', async () => {
    const error = await startHelper({ ...options('/bin/true', []), helperPath: '/bin/false' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'EHELPER', message: expect.stringContaining('exit code 1') });
  });

  it('EHELPER when the helper cannot be spawned at all', async () => {
    const error = await startHelper({ ...options('/bin/true', []), helperPath: join(scratch, 'no-helper') }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'EHELPER', message: expect.stringContaining('cannot spawn') });
  });
});

describe('findHelper', () => {
  it('PG_HELPER must be an absolute path to an executable file, and is never silently ignored', () => {
    expect(findHelper({ PG_HELPER: 'pg-helper' })).toEqual({ ok: false, reason: expect.stringContaining('PG_HELPER must be an absolute path') });
    expect(findHelper({ PG_HELPER: join(scratch, 'nope') })).toEqual({ ok: false, reason: expect.stringMatching(/^PG_HELPER=.* does not exist$/) });
    expect(findHelper({ PG_HELPER: helperPath() })).toEqual({ ok: true, path: helperPath() });
  });
});

describe('the command line', () => {
  const cli = (...args: string[]) => spawnSync(helperPath(), args, { encoding: 'utf8' });

  it('exit 125 and a usage line for bad arguments', () => {
    for (const args of [['/bin/true'], ['--', 'true'], ['--forward', 'all', '--', '/bin/true'], ['--control-fd', '2', '--', '/bin/true'], ['--owner', 'x', '--', '/bin/true'], ['--bogus', '--', '/bin/true']]) {
      const result = cli(...args);
      expect(result.status, args.join(' ')).toBe(125);
      expect(result.stderr).toMatch(/^pg-helper: .*\nusage: pg-helper /);
    }
  });

  it('exit 125 naming the attempt for a control fd that is not open', () => {
    const result = cli('--control-fd', '99', '--', '/bin/true');
    expect(result.status).toBe(125);
    expect(result.stderr).toBe('pg-helper: use --control-fd 99: Bad file descriptor\n');
  });

  it('exit 127 and the reason on stderr for exec failure without a control fd', () => {
    const result = cli('--', join(scratch, 'missing'));
    expect(result.status).toBe(127);
    expect(result.stderr).toBe(`pg-helper: execv ${join(scratch, 'missing')}: No such file or directory\n`);
  });

  it('passes the exit code through without a control fd', () => {
    expect(cli('--subreaper', '--', '/bin/sh', '-c', 'exit 9').status).toBe(9);
  });
});
