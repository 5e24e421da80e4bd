import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { abandon, contractSupport, latestContract, ProcessTemplate, readStatus, signalContract, waitForEmpty } from '../src/index.js';

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
    if (ctid !== undefined) abandon(ctid);
  }
});

function startInNewContract(): { child: ChildProcess; ctid: number | undefined } {
  const template = ProcessTemplate.open({ params: ['noorphan'], critical: ['empty', 'hwerr'], informative: [] });
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
});
