// processTable: the whole system, from /proc.
import { afterEach, describe, expect, it } from 'vitest';
import { processTable, readStat } from '../src/index.js';
import { killStarted, start } from './helpers.js';

afterEach(() => {
  killStarted();
  Object.defineProperty(process, 'platform', { value: platform });
});

const platform = process.platform;

describe('processTable', () => {
  it('holds this process and a child, as readStat sees them', async () => {
    const child = start('/bin/sleep', ['30']);
    const table = await processTable();
    const me = table.find((p) => p.pid === process.pid);
    expect(me).toEqual({ ...readStat('self'), state: me?.state });
    expect(table.find((p) => p.pid === child.pid)).toMatchObject({ ppid: process.pid, zombie: false });
    expect(new Set(table.map((p) => p.pid)).size).toBe(table.length);
  });

  it('refuses to guess off Linux', async () => {
    Object.defineProperty(process, 'platform', { value: 'darwin' });
    await expect(processTable()).rejects.toThrow(expect.objectContaining({ code: 'EUNSUPPORTED', message: expect.stringMatching(/darwin.*ps/) }));
    expect(() => readStat('self')).toThrow(/darwin/);
  });
});
