import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { formatIdentity, identityOf, isAlive, parseIdentity, type PidfdIdLookup } from './identity.js';
import { startTimeOf } from './stat.js';

describe.runIf(process.platform === 'linux')('process identity', () => {
  it('prints and parses PID.TOKEN, refusing anything else', () => {
    expect(parseIdentity(formatIdentity({ pid: 4242, token: 'i3596' }))).toEqual({ pid: 4242, token: 'i3596' });
    expect(parseIdentity('4242.t88123')).toEqual({ pid: 4242, token: 't88123' });
    for (const bad of ['4242', '4242:88123', '0.t1', '4242.x1', '4242.t', '-1.t2', '4242.t1.2']) expect(parseIdentity(bad), bad).toBeUndefined();
  });

  it('names a process by start time without a lookup, by pidfd id with one', () => {
    expect(identityOf(process.pid)).toEqual({ pid: process.pid, token: `t${startTimeOf(process.pid)}` });
    const lookup: PidfdIdLookup = (pid) => (pid === process.pid ? 77n : 'gone');
    expect(identityOf(process.pid, lookup)).toEqual({ pid: process.pid, token: 'i77' });
    expect(identityOf(process.pid, () => 'unknown')?.token).toMatch(/^t\d+$/);
  });

  it('a live process is alive; a recycled pid (other token) and an exited one are not', async () => {
    const me = identityOf(process.pid)!;
    expect(isAlive(me)).toBe(true);
    expect(isAlive({ pid: process.pid, token: 't1' })).toBe(false);
    const child = spawn('/bin/sleep', ['60'], { stdio: 'ignore' });
    const it = identityOf(child.pid!)!;
    expect(isAlive(it)).toBe(true);
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(isAlive(it)).toBe(false);
  });

  it('an i-token is checked with the lookup, and found under another pid (another pid namespace)', () => {
    const lookup: PidfdIdLookup = (pid) => (pid === process.pid ? 77n : pid === 1 ? 1n : 'gone');
    expect(isAlive({ pid: process.pid, token: 'i77' }, lookup)).toBe(true);
    // The pid written by an owner in another pid namespace means someone else here: found by id.
    expect(isAlive({ pid: 999_999, token: 'i77' }, lookup)).toBe(true);
    expect(isAlive({ pid: process.pid, token: 'i78' }, lookup)).toBe(false);
    // No way to read ids here: a live pid is taken for the owner (never a live group called orphaned).
    expect(isAlive({ pid: process.pid, token: 'i78' }, () => 'unknown')).toBe(true);
    expect(isAlive({ pid: process.pid, token: 'i78' })).toBe(true);
  });
});
