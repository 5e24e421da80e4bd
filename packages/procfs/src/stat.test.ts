import { describe, expect, it } from 'vitest';
import { parseStat, readStat, startTimeOf, stateOf, ticksSinceBoot } from './stat.js';

// A real line shape: 52 fields (proc(5)), comm in field 2.
const line = (comm: string, state = 'S') =>
  `4242 (${comm}) ${state} 1 4243 4244 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 3 0 987654 0 0 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 0 0 0 0 0 0 0 0\n`;

describe('parseStat', () => {
  it('reads the fields pg uses', () => {
    expect(parseStat(line('sleep'))).toEqual({ pid: 4242, comm: 'sleep', state: 'S', ppid: 1, pgid: 4243, sid: 4244, startTime: '987654', threads: 3, zombie: false });
  });

  it('counts fields after the last parenthesis, so a comm with spaces and parentheses parses', () => {
    expect(parseStat(line('a) b (c) S 9 9 9'))).toMatchObject({ comm: 'a) b (c) S 9 9 9', state: 'S', ppid: 1, pgid: 4243, startTime: '987654' });
    expect(parseStat(line(')'))).toMatchObject({ comm: ')', ppid: 1 });
  });

  it.each(['Z', 'X', 'x'])('marks state %s as a zombie', (state) => {
    expect(parseStat(line('sh', state))?.zombie).toBe(true);
  });

  it('reads a dead task, whose process group and session show as -1', () => {
    // Seen on a helper in its last moments: ppid 0, pgrp -1, session -1.
    const dead = '507 (pg-helper) X 0 -1 -1 0 -1 4227084 114 68 0 0 0 1 0 0 20 0 0 0 149077 0 0 0 0 0 0 0 0 0 1073478151 0 0 1 0 0 17 1 0 ';
    expect(parseStat(dead)).toEqual({ pid: 507, comm: 'pg-helper', state: 'X', ppid: 0, pgid: -1, sid: -1, startTime: '149077', threads: 0, zombie: true });
  });

  it.each([
    ['empty text', ''],
    ['no parentheses', 'nonsense'],
    ['a pid that is not a number', 'x4242 (sh) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 55 0 0'],
    ['too few fields', '4242 (sh) S 1 4243 4244'],
    ['a non-numeric start time', '4242 (sh) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 soon 0 0'],
    ['a two-letter state', '4242 (sh) SS 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 55 0 0'],
  ])('rejects %s', (_, text) => {
    expect(parseStat(text)).toBeUndefined();
  });
});

describe('readStat', () => {
  it('reads this process as the kernel sees it', () => {
    const me = readStat(process.pid);
    expect(me).toMatchObject({ pid: process.pid, ppid: process.ppid, state: 'R', zombie: false });
    expect(readStat('self')).toMatchObject({ pid: process.pid, startTime: me?.startTime });
    expect(startTimeOf('self')).toBe(me?.startTime);
    expect(stateOf(process.pid)).toBe('R');
  });

  it('says undefined for a pid that no process has', () => {
    // pid_max is at most 2^22 (proc(5) /proc/sys/kernel/pid_max).
    expect(readStat(2 ** 22 + 1)).toBeUndefined();
    expect(startTimeOf(2 ** 22 + 1)).toBeUndefined();
  });

  it.each([0, -1, 1.5, Number.NaN, '1', '../1'])('refuses the pid %s, naming the option', (bad) => {
    expect(() => readStat(bad as never)).toThrow(TypeError);
    expect(() => readStat(bad as never)).toThrow(/^Invalid option `pid`: got .+, expected a positive integer or 'self'\.$/);
  });
});

describe.runIf(process.platform === 'linux')('ticksSinceBoot', () => {
  it('counts in the unit of startTime: a process started between two readings falls between them', async () => {
    const { spawn } = await import('node:child_process');
    const before = ticksSinceBoot();
    const child = spawn('/bin/sleep', ['5'], { stdio: 'ignore' });
    try {
      const start = Number(startTimeOf(child.pid as number));
      const after = ticksSinceBoot();
      expect(start).toBeGreaterThanOrEqual(before - 1);
      expect(start).toBeLessThanOrEqual(after + 1);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
