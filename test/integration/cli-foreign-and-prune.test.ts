// A typo must not end a system service: `pg kill` of a cgroup pg did not create is refused
// unless --force (and `pg ps` of it still works); a group holding PID 1 is refused always; and
// `pg prune` removes the empty orphaned groups `pg ls` marks, with a dry run first.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, rmdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { Cgroup, cgroupPathOfDir, findCgroup2Mount, findGroupBase, PRE_EXEC_SCRIPT, PRE_EXEC_SHELL } from '@pg/cgroup';
import { execa } from 'execa';
import { cgroupAvailable, fixture, isAlive, killPid, PG, pg, waitUntil } from '../fixtures/cli-harness.js';

const run = promisify(execFile);
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('pg kill of what pg did not create', () => {
  it('refuses a foreign cgroup without --force (ps still shows it), and kills it with --force', async () => {
    const cgroup = await cgroupAvailable();
    expect(cgroup.available, `the cgroup backend is not available here: ${cgroup.reason}`).toBe(true);
    const found = findGroupBase();
    if (!found.ok) throw new Error(found.reason);
    // A cgroup beside pg's base, named as a service would be: not pg's.
    const dir = join(dirname(found.base.dir), `fake-${process.pid}.service`);
    mkdirSync(dir);
    cleanups.push(() => (existsSync(dir) ? rmdirSync(dir) : undefined));
    const sleeper = spawn(PRE_EXEC_SHELL, ['-c', PRE_EXEC_SCRIPT, dir, '/bin/sleep', '1000'], { stdio: 'ignore' });
    cleanups.push(() => killPid(sleeper.pid as number));
    const group = new Cgroup(dir);
    await waitUntil(() => group.procs().includes(sleeper.pid as number), 'the sleeper to be in the cgroup');
    const id = cgroupPathOfDir(dir, findCgroup2Mount()) as string;

    const refused = await pg(['kill', id]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/pg did not create it.*--force/);
    expect(isAlive(sleeper.pid as number)).toBe(true);

    const ps = await pg(['ps', id, '--json']);
    expect(ps.exitCode).toBe(0);
    expect((JSON.parse(ps.stdout) as { pid: number }[]).map((m) => m.pid)).toEqual([sleeper.pid]);

    const forced = await pg(['kill', '--force', '--timeout', '100', id]);
    expect([forced.exitCode, forced.stderr]).toEqual([0, '']);
    expect(isAlive(sleeper.pid as number)).toBe(false);
    expect(existsSync(dir)).toBe(true); // killed, but a directory pg did not make is left alone
  });

  it("refuses the group of pg itself (its own session), even with --force", async () => {
    // pg runs in a session of its own and is asked to act on that session ($$ of the session
    // leader that execs it): the test's own session id may be 0 here (its leader is outside this
    // pid namespace, as in CI). `--signal 0` delivers nothing: were the refusal broken, this test
    // would fail, not kill anything.
    for (const force of [[], ['--force']]) {
      const r = await execa('setsid', ['-w', 'sh', '-c', 'exec "$@" "$$"', 'sh', process.execPath, PG, 'kill', ...force, '--signal', '0'], { reject: false });
      expect(r.exitCode).toBe(2);
      expect(r.stderr).toMatch(/it contains this process/);
    }
  });
});

describe('pg prune', () => {
  it('shows, then removes, an empty group left by a supervisor that died before starting anything', async () => {
    const cgroup = await cgroupAvailable();
    expect(cgroup.available, `the cgroup backend is not available here: ${cgroup.reason}`).toBe(true);
    const name = `leftover-${process.pid}`;
    const { stdout } = await run(process.execPath, [fixture('cgroup-empty-orphan.mjs'), name]);
    const dir = stdout.trim();
    cleanups.push(() => (existsSync(dir) ? rmdirSync(dir) : undefined));

    const ls = await pg(['ls']);
    expect(ls.stdout).toMatch(new RegExp(`${name}.*orphaned, empty`));
    const dry = await pg(['prune', '--dry-run']);
    expect(dry.exitCode).toBe(0);
    expect(dry.stdout).toMatch(new RegExp(`would remove .*${name}`));
    expect(existsSync(dir)).toBe(true);

    const pruned = await pg(['prune']);
    expect([pruned.exitCode, pruned.stderr]).toEqual([0, '']);
    expect(pruned.stdout).toMatch(new RegExp(`removed .*${name}`));
    expect(existsSync(dir)).toBe(false);
  });
});
