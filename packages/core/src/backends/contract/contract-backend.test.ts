import { spawn as spawnProcess, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CT_PR_PARAM } from '@pg/contract';
import { contractsOver, type FakeLibcontract } from '@pg/contract/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { BackendGroup, OwnerExitPolicy, SpawnRequest } from '../../backend.js';
import { ContractBackendError, GroupGoneError, PermissionError, UnstoppableGroupError } from '../../errors/index.js';
import { signalUntilNoneNew } from '../../group-loops.js';
import { ProcessGroup } from '../../process-group.js';
import { SignalRound } from '../../rounds.js';
import { ContractGroup, HeldContractGroup } from './contract-group.js';
import { LIBCONTRACT_GUARANTEES } from './guarantees.js';
import { libcontractMechanism } from './libcontract-mechanism.js';
import { contractTerms, startInContract } from './spawn-in-contract.js';

// libcontract exists only on illumos. These tests drive the real binding layer of @pg/contract
// over its FAKE libcontract (@pg/contract/testing), which models the kernel's contract rules;
// the children they start are real processes, killed by pid afterwards.
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
});

let madeUpPid = 3_000_000;
const MARK = `pg:${process.pid}:`;

/**
 * A fake kernel that follows real children: it sees each fork (the child joins the new contract
 * when a template is active), delivers signals to the real process, and learns of its exit.
 */
function fakeMachine() {
  const { contracts, fake } = contractsOver();
  fake.kernel.deliver = (pid, signal) => void process.kill(pid, signal);
  const spawn = ((file: string, args: readonly string[], options: object) => {
    const child = spawnProcess(file, args, options);
    children.push(child);
    // The fork happened even when exec failed (libuv then reports no pid): that child exited at once.
    const pid = child.pid ?? madeUpPid++;
    fake.kernel.fork(pid);
    if (child.pid === undefined) fake.kernel.exit(pid);
    else child.once('exit', () => fake.kernel.exit(pid));
    return child;
  }) as typeof spawnProcess;
  return { contracts, fake, mechanism: libcontractMechanism(contracts, spawn, fake.kernel) };
}

function request(onOwnerExit: OwnerExitPolicy, file = process.execPath, args = ['-e', 'setTimeout(() => {}, 60000)']): SpawnRequest {
  return { file, args, cwd: undefined, env: process.env, stdio: 'ignore', name: undefined, limits: undefined, onOwnerExit };
}

function realChild(): ChildProcess {
  const child = spawnProcess(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  children.push(child);
  return child;
}

/** The libcontract calls that make up the template sequence, in order. */
function sequence(fake: FakeLibcontract): string[] {
  return fake.calls.filter((c) => /^(open\(.*(template|latest)\)|ct_tmpl_activate|ct_tmpl_clear|close\(.*template\)|fork|ct_ctl_abandon)/.test(c));
}

describe('contract backend spawn against a fake libcontract', () => {
  it('fake libcontract: latest is read after the fork and before the template is cleared, all in one call', () => {
    const { contracts, fake } = contractsOver();
    const before = fake.kernel.addContract().id;
    fake.kernel.latest = before;
    const started = startInContract(contracts, contractTerms('kill', MARK), () => {
      fake.calls.push('fork');
      const child = realChild();
      fake.kernel.fork(child.pid as number);
      return child;
    });
    expect(started.ctid).toBe(fake.kernel.latest);
    expect(started.ctid).not.toBe(before);
    expect(sequence(fake)).toEqual([
      'open(/system/contract/process/latest)',
      'open(/system/contract/process/template)',
      'ct_tmpl_activate',
      'fork',
      'open(/system/contract/process/latest)',
      'ct_tmpl_clear',
      'close(/system/contract/process/template)',
    ]);
    expect(fake.kernel.activeTemplate).toBeUndefined();
    expect(fake.openFds).toEqual([]);
  });

  it('fake libcontract: the template is cleared and closed even when spawn throws, and a contract it made is abandoned', () => {
    const { contracts, fake } = contractsOver();
    expect(() =>
      startInContract(contracts, contractTerms('kill', MARK), () => {
        fake.calls.push('fork');
        const ctid = fake.kernel.fork(madeUpPid) as number;
        fake.kernel.exit(madeUpPid++);
        fake.calls.push(`forked into ${ctid}`);
        throw new Error('EAGAIN from fork');
      }),
    ).toThrow('EAGAIN from fork');
    expect(sequence(fake).slice(-3)).toEqual(['ct_tmpl_clear', 'close(/system/contract/process/template)', 'ct_ctl_abandon']);
    expect(fake.kernel.activeTemplate).toBeUndefined();
    expect(fake.kernel.latest !== undefined && fake.kernel.contract(fake.kernel.latest)?.state).toBe('dead');
  });

  it('fake libcontract: a throwing spawn that created no contract abandons nothing', () => {
    const { contracts, fake } = contractsOver();
    expect(() => startInContract(contracts, contractTerms('kill', MARK), () => { throw new Error('bad'); })).toThrow('bad');
    expect(fake.calls).not.toContain('ct_ctl_abandon');
    expect(sequence(fake).slice(-2)).toEqual(['ct_tmpl_clear', 'close(/system/contract/process/template)']);
  });

  it('fake libcontract: spawn gives a held group whose id is the new contract, NOORPHAN only for onOwnerExit "kill"', async () => {
    const { fake, mechanism } = fakeMachine();
    const killed = await mechanism.spawn(request('kill'));
    const kept = await mechanism.spawn(request('keep'));
    for (const group of [killed, kept]) {
      expect(group).toBeInstanceOf(HeldContractGroup);
      const c = fake.kernel.contract(Number(group.id));
      expect(c).toMatchObject({ state: 'owned', owner: process.pid, members: [group.child?.pid] });
    }
    expect(fake.kernel.contract(Number(killed.id))?.terms.params).toBe(CT_PR_PARAM.NOORPHAN);
    expect(fake.kernel.contract(Number(kept.id))?.terms.params).toBe(0);
    expect(fake.openFds).toEqual([]);
  });

  it('fake libcontract: an exec that fails after the fork abandons the (empty) contract it made', async () => {
    const { fake, mechanism } = fakeMachine();
    // A real file without any execute bit: execve fails with EACCES (even for root).
    const dir = mkdtempSync(join(tmpdir(), 'pg-contract-'));
    const file = join(dir, 'not-executable');
    writeFileSync(file, '#!/bin/sh\n', { mode: 0o644 });
    try {
      await expect(mechanism.spawn(request('kill', file, []))).rejects.toMatchObject({ code: 'ERR_PG_SPAWN', errno: 'EACCES' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(fake.calls.filter((c) => c === 'ct_ctl_abandon')).toHaveLength(1);
    expect(fake.kernel.contract(fake.kernel.latest as number)?.state).toBe('dead');
  });
});

describe('contract groups against a fake libcontract', () => {
  it('fake libcontract: members come from one status snapshot; details from a real ps', async () => {
    const { contracts, fake } = contractsOver();
    const c = fake.kernel.addContract({ members: [process.pid] });
    const group = new ContractGroup(contracts, c.id, undefined, { facts: fake.kernel });
    const [member, ...rest] = await group.members();
    expect(rest).toEqual([]);
    expect(member).toMatchObject({ pid: process.pid, ppid: process.ppid });
    expect(member?.command).toContain('node');
    expect(fake.calls.filter((call) => call === 'ct_status_free')).toHaveLength(1);
    expect(await group.stats()).toEqual({ pids: 1 });
    expect(await group.isEmpty()).toBe(false);
  });

  it('fake libcontract: a contract that no longer exists is empty, has nothing to signal, and members() says it is gone', async () => {
    const { contracts, fake } = contractsOver();
    const group = new ContractGroup(contracts, 99, undefined, { facts: fake.kernel });
    expect(await group.isEmpty()).toBe(true);
    expect(await group.signalPass(new SignalRound(15))).toBe(0);
    await group.killPass();
    await expect(group.members()).rejects.toBeInstanceOf(GroupGoneError);
  });

  it('fake libcontract: a signal pass sigsends once, and only when a member is new; a child forked during delivery makes one more pass', async () => {
    const { contracts, fake } = contractsOver();
    const c = fake.kernel.addContract({ members: [100] });
    const group = new ContractGroup(contracts, c.id, undefined, { facts: fake.kernel });
    const round = new SignalRound(15);
    let forks = 0;
    fake.kernel.onSigsend = () => {
      if (forks++ === 0) fake.kernel.memberFork(100, 101); // forked while the signal was delivered: it escaped it
    };
    expect(await group.signalPass(round)).toBe(1);
    expect(await group.signalPass(round)).toBe(1); // 101 is new
    expect(await group.signalPass(round)).toBe(0);
    expect(fake.calls.filter((call) => call.startsWith('sigsend'))).toHaveLength(2);
    expect(fake.kernel.signals).toEqual([{ pid: 100, signal: 15 }, { pid: 100, signal: 15 }, { pid: 101, signal: 15 }]);
  });

  it('fake libcontract: a member still being forked (SIDL) is not counted until procfs shows it and a sigsend followed (issue 22.3)', async () => {
    const { contracts, fake } = contractsOver();
    const c = fake.kernel.addContract({ members: [110] });
    const group = new ContractGroup(contracts, c.id, undefined, { facts: fake.kernel });
    const round = new SignalRound(15);
    fake.kernel.memberFork(110, 111, { sidl: true }); // listed by the contract, skipped by sigsend
    expect(await group.signalPass(round)).toBe(2); // 110 sent; 111 hidden: another pass is needed
    expect(fake.kernel.signals).toEqual([{ pid: 110, signal: 15 }]);
    expect(await group.signalPass(round)).toBe(1); // still hidden: no sigsend, a short pause
    expect(fake.calls.filter((call) => call.startsWith('sigsend'))).toHaveLength(1);
    fake.kernel.finishFork(111);
    expect(await group.signalPass(round)).toBe(1);
    expect(fake.kernel.signals.at(-1)).toEqual({ pid: 111, signal: 15 });
    expect(await group.signalPass(round)).toBe(0);
  });

  it('fake libcontract: a trapping tree whose leader forks a child after every signal converges: such a child is not new (issue 22.2)', async () => {
    const { contracts, fake } = contractsOver();
    const c = fake.kernel.addContract({ members: [120] });
    const group = new ContractGroup(contracts, c.id, undefined, { facts: fake.kernel });
    const round = new SignalRound(15);
    expect(await group.signalPass(round)).toBe(1);
    fake.kernel.memberFork(120, 121); // after 120 took the signal
    expect(await group.signalPass(round)).toBe(0);
    // Its own child is new: its parent was never signalled.
    fake.kernel.memberFork(121, 122);
    expect(await group.signalPass(round)).toBe(1);
    expect(fake.kernel.signals.map((s) => s.pid)).toEqual([120, 120, 121, 122]); // one sigsend reaches every member
  });

  it('fake libcontract: members forking through every pass end in UnstoppableGroupError from core, not PermissionError', async () => {
    const { contracts, fake } = contractsOver();
    const c = fake.kernel.addContract({ members: [200] });
    // Each newest member forks the next while the signal is being delivered: every pass has one
    // member that started before the send returned, whose parent was signalled only in that pass.
    let last = 200;
    fake.kernel.onSigsend = () => fake.kernel.memberFork(last, ++last);
    await expect(signalUntilNoneNew(new ContractGroup(contracts, c.id, undefined, { facts: fake.kernel }), 15)).rejects.toBeInstanceOf(UnstoppableGroupError);
  });

  it('fake libcontract: members this user may not signal are a PermissionError (EPERM)', async () => {
    const { contracts, fake } = contractsOver();
    const c = fake.kernel.addContract({ owner: 1, members: [300] });
    fake.kernel.unsignallable.add(300);
    await expect(new ContractGroup(contracts, c.id, undefined, { facts: fake.kernel }).signalPass(new SignalRound(15))).rejects.toBeInstanceOf(PermissionError);
  });

  it('fake libcontract: one member of several that may not be signalled is a PermissionError naming it, after the others had the signal (sigsend answered 0; issue 22.4)', async () => {
    const { contracts, fake } = contractsOver();
    const c = fake.kernel.addContract({ owner: 1, members: [310, 311] });
    fake.kernel.unsignallable.add(311);
    const group = new ContractGroup(contracts, c.id, undefined, { facts: fake.kernel });
    await expect(group.signalPass(new SignalRound(15))).rejects.toSatisfy((e: unknown) => PermissionError.isInstance(e) && /311/.test((e as Error).message));
    expect(fake.kernel.signals).toEqual([{ pid: 310, signal: 15 }]);
    await expect(group.killPass()).rejects.toBeInstanceOf(PermissionError); // not 30 s of passes
    expect(fake.kernel.signals.at(-1)).toEqual({ pid: 310, signal: 9 });
  });

  it('fake libcontract: a watched contract has no watchEmpty; kill passes only sigsend; close abandons nothing', async () => {
    const { contracts, fake } = contractsOver();
    const c = fake.kernel.addContract({ owner: 1, members: [400, 401] });
    const group: BackendGroup = new ContractGroup(contracts, c.id, undefined, { facts: fake.kernel });
    expect(group.watchEmpty).toBeUndefined();
    await group.killPass();
    expect(await group.isEmpty()).toBe(false); // the SIGKILLs are posted, not yet landed
    fake.kernel.settle();
    expect(await group.isEmpty()).toBe(true);
    await group.close();
    expect(fake.calls.filter((call) => call.startsWith('ct_ctl'))).toEqual([]);
  });

  it('fake libcontract: a held NOORPHAN contract is abandoned once by the first kill pass (atomic), then emptiness comes from the pass that finds no member', async () => {
    const { contracts, fake } = contractsOver();
    const c = fake.kernel.addContract({ members: [500, 501], terms: { params: CT_PR_PARAM.NOORPHAN } });
    const group = new HeldContractGroup(contracts, c.id, undefined, { noorphan: true, facts: fake.kernel });
    const watching = new AbortController();
    const empty = group.watchEmpty(watching.signal);
    await group.killPass();
    expect(fake.kernel.signals.slice(0, 2)).toEqual([{ pid: 500, signal: 9 }, { pid: 501, signal: 9 }]); // by the abandon
    expect(c.state).toBe('orphan'); // the kernel posts the kills; the members leave as they land
    fake.kernel.settle();
    expect(c.state).toBe('dead');
    group.kick();
    await empty;
    await group.killPass();
    await group.close();
    expect(fake.calls.filter((call) => call === 'ct_ctl_abandon')).toHaveLength(1);
    await new Promise((resolve) => setImmediate(resolve)); // the event watcher stops on its next turn
    expect(fake.openFds).toEqual([]);
  });

  it('fake libcontract: without NOORPHAN kill passes never abandon (that would only orphan the members); the EMPTY event ends it and close destroys the contract', async () => {
    const { contracts, fake } = contractsOver();
    const c = fake.kernel.addContract({ members: [600] });
    const group = new HeldContractGroup(contracts, c.id, undefined, { noorphan: false, facts: fake.kernel });
    const empty = group.watchEmpty(new AbortController().signal);
    await group.killPass();
    expect(fake.calls).not.toContain('ct_ctl_abandon');
    await empty;
    expect(fake.calls).toContain('ct_ctl_ack');
    await group.close();
    await group.close();
    expect(fake.calls.filter((call) => call === 'ct_ctl_abandon')).toHaveLength(1);
    expect(c.state).toBe('dead');
  });

  it('fake libcontract: a held contract abandoned behind the group’s back makes watchEmpty reject (ENOTHELD) instead of hanging', async () => {
    const { contracts, fake } = contractsOver();
    const c = fake.kernel.addContract({ members: [700] });
    const group = new HeldContractGroup(contracts, c.id, undefined, { noorphan: false, facts: fake.kernel });
    const empty = group.watchEmpty(new AbortController().signal);
    contracts.abandon(c.id);
    await expect(empty).rejects.toSatisfy((e: unknown) => ContractBackendError.isInstance(e) && e.errno === 'ENOTHELD');
  });
});

describe('attach and list against a fake libcontract', () => {
  it('fake libcontract: adopts a contract inherited by this process’s contract; watches one inherited by another regent (EACCES at the ctl open), without a PermissionError', async () => {
    const { fake, mechanism } = fakeMachine();
    const ours = fake.kernel.addContract({ state: 'inherited', regent: fake.kernel.self.contract, members: [800], aux: 'pg:41:7' });
    const otherRegent = fake.kernel.addContract({ owner: 1, members: [801], terms: { params: CT_PR_PARAM.REGENT } });
    const theirs = fake.kernel.addContract({ state: 'inherited', regent: otherRegent.id, members: [802], aux: 'pg:42:7' });
    const adopted = await mechanism.attach(ours.id);
    expect(adopted).toBeInstanceOf(HeldContractGroup);
    expect(ours).toMatchObject({ state: 'owned', owner: process.pid });
    const watched = await mechanism.attach(theirs.id);
    expect(watched).not.toBeInstanceOf(HeldContractGroup);
    expect(watched.watchEmpty).toBeUndefined();
    expect(theirs.state).toBe('inherited');
    expect(fake.calls.filter((c) => c === 'ct_ctl_adopt')).toHaveLength(1);
  });

  it('fake libcontract: holds one it owns, watches one held elsewhere or orphaned, and a missing or dead one is GroupGoneError', async () => {
    const { contracts, fake, mechanism } = fakeMachine();
    const mine = fake.kernel.addContract({ members: [900], aux: MARK });
    const elsewhere = fake.kernel.addContract({ owner: 1, members: [901], aux: 'pg:1:' });
    const orphan = fake.kernel.addContract({ state: 'orphan', members: [902], aux: 'pg:2:' });
    expect(await mechanism.attach(mine.id)).toBeInstanceOf(HeldContractGroup);
    expect(await mechanism.attach(elsewhere.id)).not.toBeInstanceOf(HeldContractGroup);
    expect(await mechanism.attach(orphan.id)).not.toBeInstanceOf(HeldContractGroup);
    await expect(mechanism.attach(4242)).rejects.toBeInstanceOf(GroupGoneError);
    const dead = fake.kernel.addContract();
    contracts.abandon(dead.id);
    fake.kernel.latest = dead.id; // still referenced by latest: visible, but dead
    await expect(mechanism.attach(dead.id)).rejects.toBeInstanceOf(GroupGoneError);
  });

  it('fake libcontract: an unmarked contract (an SMF service’s) is foreign, never adopted, and openGroup would refuse it (issue 22.1)', async () => {
    const { fake, mechanism } = fakeMachine();
    const service = fake.kernel.addContract({ owner: 1, members: [950], fmri: 'svc:/network/ssh:default', creator: 'svc.startd' });
    const group = await mechanism.attach(service.id);
    expect(group.foreign).toBe(`contract ${service.id} carries no pg mark (aux "", service svc:/network/ssh:default, created by svc.startd)`);
    const inherited = fake.kernel.addContract({ state: 'inherited', regent: fake.kernel.self.contract, members: [951], aux: 'not-pg' });
    expect(await mechanism.attach(inherited.id)).toMatchObject({ foreign: expect.stringContaining('"not-pg"') });
    expect(inherited.state).toBe('inherited');
    expect(fake.calls).not.toContain('ct_ctl_adopt');
    expect((await mechanism.attach(Number((await mechanism.spawn(request("kill"))).id))).foreign).toBeUndefined();
  });

  it('fake libcontract: spawn marks the contract with pg:PID:START, the start from psinfo', async () => {
    const { fake, mechanism } = fakeMachine();
    const group = await mechanism.spawn(request('keep'));
    expect(fake.kernel.contract(Number(group.id))?.aux).toBe(`pg:${process.pid}:${fake.kernel.psinfo(process.pid)?.startNs}`);
  });

  it('fake libcontract: listGroups shows marked contracts: held here, held by another live pg, and orphaned keep groups (issue 22.1)', async () => {
    const { fake, mechanism } = fakeMachine();
    const mine = await mechanism.spawn(request('keep'));
    const aux = fake.kernel.contract(Number(mine.id))?.aux;
    fake.kernel.addContract({ owner: 1, members: [3] }); // unmarked: not pg's
    const orphan = fake.kernel.addContract({ state: 'orphan', members: [4, 5], aux: 'pg:777:1' });
    expect(await mechanism.list()).toEqual([
      { backend: 'contract', id: mine.id, name: undefined, ownerPid: process.pid, orphaned: false, memberCount: 1 },
      { backend: 'contract', id: String(orphan.id), name: undefined, ownerPid: 777, orphaned: true, memberCount: 2 },
    ]);
    expect(aux).toMatch(/^pg:\d+:\d+$/);
    expect(fake.openFds).toEqual([]);
  });
});

/** The backend as ProcessGroup sees it: name, guarantees and capabilities of the libcontract mechanism. */
const libcontractBackend = { name: 'contract', guarantees: () => LIBCONTRACT_GUARANTEES, capabilities: () => ({ ipc: true, limits: [] }) } as const;

describe('ProcessGroup over the contract backend, against a fake libcontract with real children', () => {
  it('fake libcontract: kill() abandons the NOORPHAN contract, the real leader dies, the group empties and closes', async () => {
    const { fake, mechanism } = fakeMachine();
    const inner = await mechanism.spawn(request('kill'));
    const group = new ProcessGroup(libcontractBackend, inner);
    await group.kill();
    expect(group.closed).toBe(true);
    expect(inner.child?.signalCode).toBe('SIGKILL');
    expect(fake.kernel.contract(Number(group.id))?.state).toBe('dead');
    expect(fake.calls.filter((c) => c === 'ct_ctl_abandon')).toHaveLength(1);
  });

  it('fake libcontract: stop() sends SIGTERM by contract and the EMPTY event ends it', async () => {
    const { fake, mechanism } = fakeMachine();
    const inner = await mechanism.spawn(request('keep'));
    const group = new ProcessGroup(libcontractBackend, inner);
    await group.stop({ timeout: 20_000 });
    expect(inner.child?.signalCode).toBe('SIGTERM');
    expect(fake.calls).toContain('ct_ctl_ack');
    expect(fake.kernel.contract(Number(group.id))?.state).toBe('dead'); // abandoned by close, empty: destroyed
  });
});
