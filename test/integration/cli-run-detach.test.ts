// `pg run --detach` returns with the group's id while the group runs on; `pg ps` sees every
// member; `pg kill --signal` delivers to all; `pg kill` leaves nothing. Backend: auto (whatever
// this machine picks), so the test holds for posix today and cgroup once it is there.
import { afterEach, describe, expect, it } from 'vitest';
import { isAlive, killGroup, pg, procState } from '../fixtures/cli-harness.js';

const groups: string[] = [];
afterEach(async () => {
  for (const id of groups.splice(0)) await killGroup(id);
});

async function detachTree(): Promise<string> {
  // The leader is a shell with two sleeping children: a tree of three.
  const r = await pg(['run', '--detach', '--', 'sh', '-c', 'sleep 1000 & sleep 1001 & wait']);
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  const id = r.stdout.trim();
  expect(id).toMatch(/^\S+$/);
  groups.push(id);
  return id;
}

type Row = { pid: number; ppid: number; command: string };

async function psJson(id: string): Promise<Row[]> {
  const r = await pg(['ps', '--json', id]);
  expect(r.exitCode).toBe(0);
  return JSON.parse(r.stdout) as Row[];
}

async function waitForMembers(id: string, n: number): Promise<Row[]> {
  // The shell forks its children after pg returned: wait for them (bounded by the test timeout).
  for (;;) {
    const rows = await psJson(id);
    if (rows.length >= n) return rows;
  }
}

describe('pg run --detach, ps, kill', () => {
  it('prints the id; ps --json lists the tree; kill leaves nothing', async () => {
    const id = await detachTree();
    const rows = await waitForMembers(id, 3);
    expect(rows).toHaveLength(3);
    const shell = rows.find((r) => r.command.includes('sh -c'));
    expect(shell).toBeDefined();
    const sleeps = rows.filter((r) => /^sleep 100[01]$/.test(r.command));
    expect(sleeps).toHaveLength(2);
    for (const s of sleeps) expect(s.ppid).toBe(shell?.pid);

    const human = await pg(['ps', id]);
    expect(human.exitCode).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`^group ${id.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} \\(\\w+\\): 3 members`));
    // ptree -c style: the sleeps indented under the shell.
    expect(human.stdout).toMatch(new RegExp(`^\\s*${shell?.pid}  .*sh -c`, 'm'));
    expect(human.stdout).toMatch(/^ {2,}\d+ {2}sleep 1000$/m);

    const killed = await pg(['kill', id]);
    expect(killed.stderr).toBe('');
    expect(killed.exitCode).toBe(0);
    for (const r of rows) expect(isAlive(r.pid), `pid ${r.pid} (${r.command})`).toBe(false);
    const after = await pg(['ps', id]);
    expect(after.exitCode).toBe(2);
  });

  it('kill --signal delivers to every member and returns', async () => {
    const id = await detachTree();
    const rows = await waitForMembers(id, 3);
    // SIGSTOP is visible in /proc as state T for every member it reached.
    const stopped = await pg(['kill', '--signal', 'STOP', id]);
    expect(stopped.exitCode).toBe(0);
    for (const r of rows) {
      expect(procState(r.pid), `pid ${r.pid}`).toBe('T');
    }
    const killed = await pg(['kill', '--timeout', '0', id]);
    expect(killed.exitCode).toBe(0);
    for (const r of rows) expect(isAlive(r.pid)).toBe(false);
  });

  it('a bad signal leaves the group untouched', async () => {
    const id = await detachTree();
    const rows = await waitForMembers(id, 3);
    const r = await pg(['kill', '--signal', 'SIGNOPE', id]);
    expect(r.exitCode).toBe(2);
    for (const row of rows) expect(isAlive(row.pid)).toBe(true);
  });
});
