// Owner lifetime under the job backend, under Wine: with onOwnerExit 'kill' the job is
// kill-on-close and only the owner holds it, so the owner's death by any means ends every
// member: SIGKILL of its Linux process, and `taskkill /F` of its Windows pid. With 'keep' the
// members outlive it. Members are found from Linux by the run's token in /proc/PID/cmdline.
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { inject, afterEach, describe, expect, it } from 'vitest';
import { until } from '../helpers/proc.js';
import { killByToken, pidsWithToken, script, startWindowsNode, wineEnvironment, wineUnavailable, type WindowsNode } from './wine.js';

const skip = wineUnavailable();
let token = '';
let owner: WindowsNode | undefined;

afterEach(async () => {
  if (owner !== undefined) {
    try {
      process.kill(owner.pid, 'SIGKILL');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
    await owner.done;
    owner = undefined;
  }
  killByToken(token);
});

/** Starts an owner holding a tree (leader + detached orphan) and waits for its report. */
async function startOwner(onOwnerExit: 'kill' | 'keep'): Promise<{ owner: number; leader: number; grandchild: number }> {
  token = `pgwin-${randomUUID()}`;
  owner = startWindowsNode(script('group.mjs'), ['owner', token, onOwnerExit === 'kill' ? 'kill' : 'keep']);
  const started = owner;
  await until(() => started.output().includes('"owner"'), 'the owner to report its group', 90_000);
  const report = JSON.parse(started.output().trim().split('\n').pop() ?? '') as { owner: number; leader: number; grandchild: number };
  return report;
}

/** The Linux pids of the group's members: processes whose command line has the token, less the owner itself. */
const members = () => pidsWithToken(token).filter((pid) => pid !== owner?.pid);

describe.skipIf(skip !== undefined)(`job backend: owner lifetime${skip === undefined ? '' : ` skipped: ${skip}`}`, () => {
  it("onOwnerExit 'kill': SIGKILL of the owner's Linux process ends every member (kill-on-job-close)", async () => {
    await startOwner('kill');
    expect(members().length).toBeGreaterThanOrEqual(2); // leader and orphan, both carrying the token
    process.kill(owner!.pid, 'SIGKILL');
    await owner!.done;
    await until(() => members().length === 0, 'the members to end with their owner', 60_000);
  });

  it("onOwnerExit 'kill': taskkill /F of the owner ends every member", async () => {
    const r = await startOwner('kill');
    expect(members().length).toBeGreaterThanOrEqual(2);
    const wine = inject('wine') as { dir: string };
    execFileSync('wine', ['taskkill', '/F', '/PID', String(r.owner)], { env: wineEnvironment(wine.dir), stdio: 'ignore', timeout: 60_000 });
    await owner!.done;
    await until(() => members().length === 0, 'the members to end with their owner', 60_000);
  });

  it("onOwnerExit 'keep': the members outlive a SIGKILLed owner", async () => {
    await startOwner('keep');
    const before = members();
    expect(before.length).toBeGreaterThanOrEqual(2);
    process.kill(owner!.pid, 'SIGKILL');
    await owner!.done;
    // The owner is gone (its exit was collected). With kill-on-close the members ended within
    // ~100 ms of that in the test above; give Wine's server ample time to act before looking.
    await new Promise((r) => setTimeout(r, 3000));
    expect(members().sort()).toEqual(before.sort());
    // afterEach kills them by token.
  });
});
