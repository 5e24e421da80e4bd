import { spawn as spawnProcess, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { ContractError, parseCtstat, type CtstatEntry } from '@pg/contract';
import { FakeKernel, type FakeContract } from '@pg/contract/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { OwnerExitPolicy, SpawnRequest } from '../../backend.js';
import { PermissionError, SpawnError } from '../../errors/index.js';
import { signalUntilNoneNew } from '../../group-loops.js';
import { SignalRound } from '../../rounds.js';
import type { CommandTools } from './command-tools.js';
import { commandsMechanismWith } from './commands-mechanism.js';
import { CtrunGroup } from './ctrun-group.js';

// ctrun, ctstat and pkill exist only on illumos. These tests drive the command path over FAKE
// ctstat/pkill answering from the fake kernel of @pg/contract/testing, and a real child process
// standing in for ctrun (killed by pid afterwards).
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
});

const STATE_WORD = { owned: 'owned', inherited: 'inherit', orphan: 'orphan', dead: 'dead' } as const;

/** What `ctstat [-v]` would print for these contracts, so that the real parser reads it. */
function ctstatText(contracts: readonly FakeContract[], kernel: FakeKernel, verbose: boolean): string {
  const lines = ['CTID    ZONEID  TYPE    STATE   HOLDER  EVENTS  QTIME   NTIME   '];
  for (const c of contracts) {
    const holder = c.state === 'owned' || c.state === 'inherited' ? String(kernel.holder(c)) : '-';
    lines.push(`${String(c.id).padEnd(7)} 0       process ${STATE_WORD[c.state].padEnd(7)} ${holder.padEnd(7)} 0       -       -       `);
    if (verbose) {
      lines.push(`\tmember processes:      ${c.members.length === 0 ? 'none' : [...c.members].sort((a, b) => a - b).join(' ')}`);
      lines.push(`\tcreator:               ${c.creator}`, `\taux:                   ${c.aux}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Fake ctstat and pkill over a fake kernel; `calls` counts each command run. */
function fakeTools(kernel = new FakeKernel()) {
  const calls: string[] = [];
  const live = () => [...kernel.contracts.values()].filter((c) => c.state !== 'dead' && c.id !== kernel.self.contract);
  const tools: CommandTools = {
    ctstat: async (ctid) => (calls.push(`ctstat -v -i ${ctid}`), parseCtstat(ctstatText(live().filter((c) => c.id === ctid), kernel, true)).find((e) => e.ctid === ctid)),
    ctstatRows: async () => (calls.push('ctstat -t process'), parseCtstat(ctstatText(live(), kernel, false))),
    ctstatAll: async () => (calls.push('ctstat -v -t process'), parseCtstat(ctstatText(live(), kernel, true))),
    // pkill reads /proc (no SIDL process there), signals each, and only warns for those it may not signal.
    pkill: async (ctid, signal) => {
      calls.push(`pkill -${signal} -c ${ctid}`);
      const seen = (kernel.contract(ctid)?.members ?? []).filter((pid) => kernel.psinfo(pid) !== undefined);
      const refused = seen.filter((pid) => !kernel.maySignal(pid));
      if (seen.length === 0) return false;
      for (const pid of seen) if (kernel.maySignal(pid)) kernel.signals.push({ pid, signal });
      if (refused.length > 0) throw new ContractError(`pkill -${signal} -c ${ctid} could not signal members ${refused.join(', ')}`, 'EPERM', 'pkill');
      return true;
    },
    facts: kernel,
  };
  return { kernel, tools, calls };
}

function request(file = '/usr/bin/sleep', onOwnerExit: OwnerExitPolicy = 'keep'): SpawnRequest {
  return { file, args: ['600'], cwd: undefined, env: process.env, stdio: 'ignore', name: undefined, limits: undefined, onOwnerExit };
}

/** A real process standing in for ctrun: `script` is what it does; the arguments ctrun got are recorded. */
function fakeCtrun(script: string, seen: string[][]): typeof spawnProcess {
  return ((_file: string, args: readonly string[], options: object) => {
    seen.push([...args]);
    const child = spawnProcess(process.execPath, ['-e', script], options);
    children.push(child);
    return child;
  }) as typeof spawnProcess;
}

describe('command path spawn, with a fake ctstat and a real stand-in for ctrun', () => {
  it('fake ctstat: passes the mark with -A and finds the contract by the holder in rows read without -v (issue 22.6)', async () => {
    const { kernel, tools, calls } = fakeTools();
    const seen: string[][] = [];
    const spawn = ((file: string, args: readonly string[], options: object) => {
      const child = fakeCtrun('setTimeout(() => {}, 60000)', seen)(file, args, options);
      const aux = args[args.indexOf('-A') + 1];
      kernel.addContract({ owner: child.pid, members: [9100], aux });
      return child;
    }) as typeof spawnProcess;
    const group = await commandsMechanismWith(tools, spawn).spawn(request());
    expect(seen[0]).toEqual(['-l', 'contract', '-o', 'noorphan', '-A', `pg:${process.pid}:${kernel.psinfo(process.pid)?.startNs}`, '/usr/bin/sleep', '600']);
    expect(kernel.contract(Number(group.id))?.members).toEqual([9100]);
    expect(calls).toEqual(['ctstat -t process']);
  });

  it('fake ctstat: ctrun exiting 127, 126 or 124 before its contract was seen is a SpawnError, not a group with a dead leader (issue 22.7)', async () => {
    for (const code of [127, 126, 124]) {
      const { tools } = fakeTools();
      const spawn = fakeCtrun(`process.exit(${code})`, []);
      await expect(commandsMechanismWith(tools, spawn).spawn(request('/no/such/command'))).rejects.toSatisfy(
        (e: unknown) => SpawnError.isInstance(e) && new RegExp(`\\(${code}`).test((e as Error).message),
      );
    }
  });

  it('fake ctstat: ctrun that exited 0 before its contract was seen means the group came and went: an empty group, no error', async () => {
    const { tools } = fakeTools();
    const group = await commandsMechanismWith(tools, fakeCtrun('process.exit(0)', [])).spawn(request());
    expect(group.id).toMatch(/^ctrun-\d+$/);
    expect(await group.isEmpty()).toBe(true);
  });
});

describe('command path groups over a fake ctstat and pkill', () => {
  it('fake ctstat/pkill: a trapping tree that forks after each signal converges in three passes, not 100 (issue 22.2)', async () => {
    const { kernel, tools, calls } = fakeTools();
    const c = kernel.addContract({ owner: 4242, members: [9200], aux: 'pg:4242:1' });
    const group = new CtrunGroup(c.id, undefined, tools);
    // The leader traps the signal and forks a new member each time it takes one, while pkill is
    // still running. Without the rule every pass would find a new member (100 passes, then
    // UnstoppableGroupError): each fork after the first follows the leader's signal.
    let next = 9201;
    const pkill = tools.pkill;
    tools.pkill = async (ctid, signal) => {
      const result = await pkill(ctid, signal);
      kernel.memberFork(9200, next++);
      return result;
    };
    await signalUntilNoneNew(group, 15);
    // Pass 1 signals 9200; 9201, forked before pkill returned, may have escaped: pass 2 signals
    // it; 9202 started after 9200 was signalled in pass 1: pass 3 finds nothing new.
    expect(calls.filter((call) => call.startsWith('pkill'))).toHaveLength(2);
    expect(kernel.signals.map((s) => s.pid)).toEqual([9200, 9200, 9201]);
    expect(kernel.contract(c.id)?.members).toEqual([9200, 9201, 9202]);
  });

  it('fake ctstat/pkill: a member forked while pkill ran is new; one still mid-fork waits for the next pass', async () => {
    const { kernel, tools } = fakeTools();
    const c = kernel.addContract({ owner: 4242, members: [9300], aux: 'pg:4242:1' });
    const group = new CtrunGroup(c.id, undefined, tools);
    const round = new SignalRound(15);
    kernel.memberFork(9300, 9301, { sidl: true });
    expect(await group.signalPass(round)).toBe(2);
    kernel.finishFork(9301);
    expect(await group.signalPass(round)).toBe(1);
    expect(await group.signalPass(round)).toBe(0);
    expect(kernel.signals.map((s) => s.pid)).toEqual([9300, 9300, 9301]);
  });

  it('fake ctstat/pkill: a member that may not be signalled is a PermissionError after pkill signalled the rest', async () => {
    const { kernel, tools } = fakeTools();
    const c = kernel.addContract({ owner: 4242, members: [9400, 9401], aux: 'pg:4242:1' });
    kernel.unsignallable.add(9401);
    await expect(new CtrunGroup(c.id, undefined, tools).signalPass(new SignalRound(15))).rejects.toBeInstanceOf(PermissionError);
    expect(kernel.signals).toEqual([{ pid: 9400, signal: 15 }]);
  });
});

describe('command path attach and list over a fake ctstat', () => {
  it('fake ctstat: an unmarked contract is foreign; a marked one is not (issue 22.1)', async () => {
    const { kernel, tools } = fakeTools();
    const service = kernel.addContract({ owner: 1, members: [9500], creator: 'svc.startd' });
    const ours = kernel.addContract({ owner: 4242, members: [9501], aux: 'pg:4242:1' });
    const mechanism = commandsMechanismWith(tools);
    expect((await mechanism.attach(service.id)).foreign).toBe(`contract ${service.id} carries no pg mark (aux "", created by svc.startd)`);
    expect((await mechanism.attach(ours.id)).foreign).toBeUndefined();
  });

  it('fake ctstat: listGroups confirms each marked contract with ctstat -v -i: an aux that forges a row in the -v listing adds nothing (issue 22.6)', async () => {
    const { kernel, tools, calls } = fakeTools();
    const self = kernel.psinfo(process.pid)?.startNs;
    const live = kernel.addContract({ owner: 4242, members: [9600], aux: `pg:${process.pid}:${self}` });
    const orphaned = kernel.addContract({ owner: 4243, members: [9601, 9602], aux: 'pg:777:5' });
    const victim = kernel.addContract({ owner: 1, members: [9603], creator: 'svc.startd' });
    // Another user's aux carrying a newline and a forged row claiming the service's contract is pg's.
    kernel.addContract({ owner: 4244, uid: 4321, members: [9604], aux: `x\n${victim.id}      0       process owned   1       0       -       -       \n\taux: pg:1:1` });
    const groups = await commandsMechanismWith(tools).list();
    expect(groups).toEqual([
      { backend: 'contract', id: String(live.id), name: undefined, ownerPid: process.pid, orphaned: false, memberCount: 1 },
      { backend: 'contract', id: String(orphaned.id), name: undefined, ownerPid: 777, orphaned: true, memberCount: 2 },
    ]);
    expect(calls).toContain(`ctstat -v -i ${victim.id}`);
    const entry: CtstatEntry | undefined = await tools.ctstat(victim.id);
    expect(entry?.aux).toBe('');
  });
});
