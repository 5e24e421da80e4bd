import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ContractGroup } from './contract-group.js';
import { FakeLibcontract } from './fake-libcontract.fixture.js';
import { attachWithBinding, listWithBinding, spawnWithBinding } from './operations.js';
import { startInContract } from './spawn-in-contract.js';

// libcontract exists only on illumos. These tests check the ORDER in which the backend calls it,
// against a fake binding; the children they start are real processes, killed by pid afterwards.
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
});

function realChild(): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  children.push(child);
  return child;
}

describe('contract backend sequencing against a fake libcontract', () => {
  it('fake libcontract: latest is read after the fork and before the template is cleared, all in one call', () => {
    const fake = new FakeLibcontract();
    fake.latestValues = [41, 42];
    const started = startInContract(fake, () => {
      fake.calls.push('fork');
      return realChild();
    });
    expect(started.ctid).toBe(42);
    expect(fake.calls).toEqual(['latest', 'openTemplate(noorphan)', 'activate', 'fork', 'latest', 'clear', 'closeTemplate']);
  });

  it('fake libcontract: the template is cleared and closed even when spawn throws, and a contract it made is abandoned', () => {
    const fake = new FakeLibcontract();
    fake.latestValues = [undefined, 7];
    fake.contracts.set(7, { state: 'owned', holder: process.pid, members: [] });
    expect(() =>
      startInContract(fake, () => {
        fake.calls.push('fork');
        throw new Error('EAGAIN from fork');
      }),
    ).toThrow('EAGAIN from fork');
    expect(fake.calls).toEqual(['latest', 'openTemplate(noorphan)', 'activate', 'fork', 'latest', 'clear', 'closeTemplate', 'abandon(7)']);
    expect(fake.contracts.has(7)).toBe(false);
  });

  it('fake libcontract: a throwing spawn that created no contract abandons nothing', () => {
    const fake = new FakeLibcontract();
    fake.latestValues = [5, 5];
    expect(() => startInContract(fake, () => { throw new Error('bad'); })).toThrow('bad');
    expect(fake.calls.some((c) => c.startsWith('abandon'))).toBe(false);
    expect(fake.calls.slice(-2)).toEqual(['clear', 'closeTemplate']);
  });

  it('fake libcontract: spawnWithBinding gives a group whose id is the new contract and whose leader is the real child', async () => {
    const fake = new FakeLibcontract();
    fake.latestValues = [3, 4];
    const group = await spawnWithBinding(fake, {
      file: process.execPath,
      args: ['-e', 'setTimeout(() => {}, 60000)'],
      cwd: undefined,
      env: process.env,
      stdio: 'ignore',
      name: undefined,
      limits: undefined,
    });
    if (group.child !== undefined) children.push(group.child);
    expect(group.id).toBe('4');
    expect(group.child?.pid).toBeTypeOf('number');
    expect(fake.calls.indexOf('clear')).toBeGreaterThan(fake.calls.lastIndexOf('latest'));
  });

  it('fake libcontract: an exec that fails after the fork abandons the (empty) contract it made', async () => {
    const fake = new FakeLibcontract();
    fake.latestValues = [3, 4];
    fake.contracts.set(4, { state: 'owned', holder: process.pid, members: [] });
    // A real file without any execute bit: execve fails with EACCES (even for root).
    const dir = mkdtempSync(join(tmpdir(), 'pg-contract-'));
    const file = join(dir, 'not-executable');
    writeFileSync(file, '#!/bin/sh\n', { mode: 0o644 });
    try {
      const request = { file, args: [], cwd: undefined, env: process.env, stdio: 'ignore' as const, name: undefined, limits: undefined };
      await expect(spawnWithBinding(fake, request)).rejects.toMatchObject({ code: 'ERR_PG_SPAWN', errno: 'EACCES' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(fake.calls.slice(-3)).toEqual(['clear', 'closeTemplate', 'abandon(4)']);
  });

  it('fake libcontract: members come from one status read, copied before it is freed once, even when the read fails', async () => {
    const fake = new FakeLibcontract();
    fake.contracts.set(9, { state: 'owned', holder: process.pid, members: [process.pid] });
    const group = new ContractGroup(fake, 9, undefined, true);
    expect(group.memberPids()).toEqual([process.pid]);
    expect(fake.calls).toEqual(['openStatus(9)', 'members', 'free']);
    fake.membersError = new Error('ENOMEM in nvlist');
    expect(() => group.memberPids()).toThrow('ENOMEM in nvlist');
    expect(fake.frees).toBe(2);
    // Details come from a real `ps` (argument array) for the pids the status gave.
    const [member, ...rest] = await group.members();
    expect(rest).toEqual([]);
    expect(member).toMatchObject({ pid: process.pid, ppid: process.ppid });
    expect(member?.command).toContain('node');
  });

  it('fake libcontract: a contract that no longer exists has no members', () => {
    const fake = new FakeLibcontract();
    expect(new ContractGroup(fake, 99, undefined, false).memberPids()).toEqual([]);
  });

  it('fake libcontract: kill on an attached contract repeats sigsend(SIGKILL) until ESRCH, without abandoning', async () => {
    const fake = new FakeLibcontract();
    fake.sigsendResults = [true, true, true, false];
    await new ContractGroup(fake, 12, undefined, false).kill();
    expect(fake.calls).toEqual(['sigsend(12,9)', 'sigsend(12,9)', 'sigsend(12,9)', 'sigsend(12,9)']);
  });

  it('fake libcontract: kill on a held contract abandons it first (NOORPHAN: atomic), then sigsends until ESRCH', async () => {
    const fake = new FakeLibcontract();
    fake.contracts.set(13, { state: 'owned', holder: process.pid, members: [111] });
    fake.sigsendResults = [true, false];
    const group = new ContractGroup(fake, 13, undefined, true);
    await group.kill();
    expect(fake.calls).toEqual(['abandon(13)', 'sigsend(13,9)', 'sigsend(13,9)']);
    await group.close();
    expect(fake.calls.filter((c) => c.startsWith('abandon'))).toHaveLength(1);
  });

  it('fake libcontract: closing abandons a held contract exactly once, and never one held elsewhere', async () => {
    const fake = new FakeLibcontract();
    fake.contracts.set(20, { state: 'owned', holder: process.pid, members: [] });
    fake.contracts.set(21, { state: 'owned', holder: 1, members: [] });
    const held = new ContractGroup(fake, 20, undefined, true);
    await held.close();
    await held.close();
    await new ContractGroup(fake, 21, undefined, false).close();
    expect(fake.calls).toEqual(['abandon(20)']);
    expect(fake.contracts.has(20)).toBe(false);
  });

  it('fake libcontract: signal repeats sigsend only while new members appear', async () => {
    const fake = new FakeLibcontract();
    const contract = { state: 'owned' as const, holder: process.pid, members: [100] };
    fake.contracts.set(30, contract);
    fake.sigsendResults = [true];
    const original = fake.sigsend.bind(fake);
    let passes = 0;
    fake.sigsend = (ctid, signal) => {
      // A child that was mid-fork during the first pass shows up after it.
      if (++passes === 1) contract.members = [100, 101];
      return original(ctid, signal);
    };
    await new ContractGroup(fake, 30, undefined, true).signal(15);
    expect(passes).toBe(2);
  });

  it('fake libcontract: empty comes from the EMPTY event while held, and from status reads once abandoned', async () => {
    const fake = new FakeLibcontract();
    const contract = { state: 'owned' as const, holder: process.pid, members: [200] };
    fake.contracts.set(40, contract);
    const held = new ContractGroup(fake, 40, undefined, true);
    const watch = new AbortController();
    const first = held.watchEmpty(watch.signal);
    expect(fake.calls).toContain('waitEmpty(40)');
    fake.emptyWaiters[0]?.(true);
    await first;

    const other = new ContractGroup(fake, 40, undefined, true);
    const second = other.watchEmpty(watch.signal);
    fake.sigsendResults = [false];
    await other.kill(); // abandons: the watcher moves to status reads
    contract.members = [];
    other.kick();
    await second;
    expect(fake.calls).toContain('abandon(40)');
  });

  it('fake libcontract: attach adopts an inherited contract, holds one it owns, and watches others', async () => {
    const fake = new FakeLibcontract();
    fake.contracts.set(50, { state: 'inherited', holder: 3, members: [1] });
    fake.contracts.set(51, { state: 'owned', holder: 1, members: [1] });
    fake.contracts.set(53, { state: 'owned', holder: process.pid, members: [1] });
    const adopted = attachWithBinding(fake, 50);
    expect(fake.calls).toContain('adopt(50)');
    const elsewhere = attachWithBinding(fake, 51);
    const mine = attachWithBinding(fake, 53);
    expect(() => attachWithBinding(fake, 52)).toThrow(expect.objectContaining({ code: 'ERR_PG_GROUP_GONE' }));
    expect(fake.frees).toBe(3);
    await Promise.all([adopted.close(), elsewhere.close(), mine.close()]);
    expect(fake.calls.filter((c) => c.startsWith('abandon'))).toEqual(['abandon(50)', 'abandon(53)']);
  });

  it('fake libcontract: listGroups shows the contracts this process holds, with member counts', async () => {
    const fake = new FakeLibcontract();
    fake.contracts.set(60, { state: 'owned', holder: process.pid, members: [1, 2] });
    fake.contracts.set(61, { state: 'owned', holder: 1, members: [3] });
    fake.contracts.set(62, { state: 'orphan', holder: 0, members: [4] });
    expect(await listWithBinding(fake)).toEqual([
      { backend: 'contract', id: '60', name: undefined, ownerPid: process.pid, orphaned: false, memberCount: 2 },
    ]);
    expect(fake.frees).toBe(3);
  });
});
