import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { abandon, ContractError, contractSupport, processContractIds, latestContract, ProcessTemplate, readStatus, signalContract, waitForEmpty, type TemplateTerms } from '../src/index.js';

// Real contracts: runs only where libcontract works. Everywhere else the describe's name says why
// it was skipped. Nothing here has run yet: no illumos machine was reachable when it was written.
const support = await contractSupport();
const skipReason = support.mechanism === 'libcontract' ? '' : ` (skipped: ${support.reason})`;

const started: { child: ChildProcess; ctid: number | undefined }[] = [];
afterEach(async () => {
  for (const { child, ctid } of started.splice(0)) {
    if (ctid !== undefined) signalContract(ctid, 9);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    if (ctid !== undefined && heldHere(ctid)) abandon(ctid);
  }
});

function startInNewContract(params: TemplateTerms['params'] = ['noorphan']): { child: ChildProcess; ctid: number | undefined } {
  const template = ProcessTemplate.open({ params, critical: ['empty', 'hwerr'], informative: [] });
  try {
    template.activate();
    const child = spawn('/usr/bin/sleep', ['600'], { stdio: 'ignore' });
    const entry = { child, ctid: latestContract() };
    started.push(entry);
    return entry;
  } finally {
    template.clear();
    template.close();
  }
}

describe.runIf(support.mechanism === 'libcontract')(`libcontract on a real illumos machine${skipReason}`, () => {
  it('a spawned child is the only member of its new contract, held by this process', () => {
    const { child, ctid } = startInNewContract();
    expect(ctid).toBeTypeOf('number');
    const status = readStatus(ctid as number, 'all');
    expect(status.state).toBe('owned');
    expect(status.holder).toBe(process.pid);
    expect(status.members).toEqual([child.pid]);
  });

  it('sigsend(P_CTID, SIGKILL) empties the contract and the EMPTY event arrives', async () => {
    const { ctid } = startInNewContract();
    expect(signalContract(ctid as number, 9)).toBe(true);
    expect(await waitForEmpty(ctid as number)).toBe(true);
    expect(readStatus(ctid as number, 'all').members).toEqual([]);
  });

  it('abandoning a noorphan contract SIGKILLs its member; the contract is then no longer ours', async () => {
    const { child, ctid } = startInNewContract();
    abandon(ctid as number);
    await once(child, 'exit');
    expect(child.signalCode).toBe('SIGKILL');
  });

  it('waitForEmpty rejects with ENOTHELD when the contract is abandoned with its member still running', async () => {
    const { ctid } = startInNewContract([]);
    const waiting = waitForEmpty(ctid as number, { maxInterval: 10 });
    abandon(ctid as number);
    await expect(waiting).rejects.toMatchObject({ code: 'ENOTHELD' });
  });

  it('a contract held by another process (ctrun) cannot be abandoned from here: EACCES at the ctl open', async () => {
    const ctrun = spawn('/usr/bin/ctrun', ['-l', 'contract', '/usr/bin/sleep', '600'], { stdio: 'ignore' });
    try {
      let held: number | undefined;
      for (let i = 0; i < 100 && held === undefined; i++) {
        held = await findHeldBy(ctrun.pid as number);
        if (held === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(held).toBeTypeOf('number');
      expect(() => abandon(held as number)).toThrow(expect.objectContaining({ code: 'EACCES' }));
    } finally {
      ctrun.kill('SIGKILL');
    }
  });
});

/** The contract whose holder is `pid`, from the status of every process contract. */
async function findHeldBy(pid: number): Promise<number | undefined> {
  return (await processContractIds()).find((id) => {
    const status = readStatus(id, 'common');
    return status.state === 'owned' && status.holder === pid;
  });
}

/** Whether this process still holds contract `ctid` (a test may have abandoned it). */
function heldHere(ctid: number): boolean {
  try {
    const status = readStatus(ctid, 'common');
    return status.state === 'owned' && status.holder === process.pid;
  } catch (error) {
    if (ContractError.isInstance(error) && error.code === 'ENOENT') return false;
    throw error;
  }
}
