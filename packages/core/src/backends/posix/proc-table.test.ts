import { describe, expect, it } from 'vitest';
import { parseStat, processTable } from './proc-table.js';

describe('parseStat', () => {
  it('counts fields from the last parenthesis, so a comm with spaces and parens parses', () => {
    const line = '4242 (a) b (c)) S 1 4242 4242 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 987654 0 0';
    expect(parseStat(line)).toEqual({ pid: 4242, ppid: 1, pgid: 4242, sid: 4242, zombie: false, startTime: '987654' });
  });

  it('marks zombies', () => {
    const line = '7 (sh) Z 1 7 7 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 55 0 0';
    expect(parseStat(line)?.zombie).toBe(true);
  });

  it('rejects garbage', () => {
    expect(parseStat('nonsense')).toBeUndefined();
  });
});

describe('processTable', () => {
  it('contains this process with its real session', async () => {
    const me = (await processTable()).find((p) => p.pid === process.pid);
    expect(me).toMatchObject({ pid: process.pid, ppid: process.ppid, zombie: false });
  });
});
