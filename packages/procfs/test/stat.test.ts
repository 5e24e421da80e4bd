// readStat on real processes: a command name with spaces and parentheses, and a zombie.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { childrenOf, commandLineOf, readStat } from '../src/index.js';
import { killStarted, start, track, until } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'pg-procfs-'));
afterEach(killStarted);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readStat on real processes', () => {
  it('parses a process whose name holds spaces and parentheses', async () => {
    // comm is the executable's base name (at most 15 bytes): make one that looks like stat's own syntax.
    const name = 'x) S 1 (y z';
    const file = join(dir, name);
    copyFileSync('/bin/sleep', file);
    const child = start(file, ['30']);
    await until(() => readStat(child.pid)?.comm === name, 'the exec of the renamed sleep');
    expect(readStat(child.pid)).toMatchObject({ pid: child.pid, comm: name, ppid: process.pid, zombie: false });
    expect(commandLineOf(child.pid)).toBe(`${file} 30`);
  });

  it('marks a zombie and gives its name as its command line', async () => {
    // The shell forks `true` and execs sleep in its own place: sleep never reaps `true`.
    const parent = start('/bin/sh', ['-c', '/bin/true & exec sleep 30']);
    let zombie: number | undefined;
    await until(() => {
      zombie = childrenOf(parent.pid).find((pid) => readStat(pid)?.zombie === true);
      return zombie !== undefined;
    }, 'the unreaped child');
    track(zombie as number);
    expect(readStat(zombie as number)).toMatchObject({ ppid: parent.pid, zombie: true });
    expect(['Z', 'X']).toContain(readStat(zombie as number)?.state);
    expect(commandLineOf(zombie as number)).toBe('true');
  });

  it('gives undefined and an empty command line once the process is gone', async () => {
    const child = start('/bin/sleep', ['30']);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited; // reaped by libuv: the pid is free
    expect(readStat(child.pid)).toBeUndefined();
    expect(commandLineOf(child.pid)).toBe('');
  });
});
