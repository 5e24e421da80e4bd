// A supervisor inside a pid namespace (a container sharing this cgroup tree, `pg init` as PID 1)
// writes its own pid as the namespace sees it (often 1) into the group's name. From outside,
// that pid means another process; the pidfd id in the name does not, so listGroups() must still
// report the group as owned while the supervisor lives, and never as owned once it is gone.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { listGroups, openGroup, probe } from '@pg/core';
import { fixture } from './cgroup-helpers.js';

const UNSHARE = '/usr/bin/unshare';
const cgroup = (await probe()).find((p) => p.backend === 'cgroup');
const skip = process.geteuid?.() !== 0 ? 'needs root for unshare --pid' : !existsSync(UNSHARE) ? `${UNSHARE} is missing` : !cgroup?.available ? `cgroup backend unavailable: ${cgroup?.reason}` : undefined;

let holder: ChildProcess | undefined;
let id: string | undefined;

afterEach(async () => {
  if (holder !== undefined && holder.exitCode === null && holder.signalCode === null) {
    const exited = new Promise((resolve) => holder!.once('exit', resolve));
    holder.kill('SIGKILL'); // unshare: --kill-child takes the namespace's PID 1, and so every process in it
    await exited;
  }
  if (id !== undefined) await openGroup(id).then((g) => g.kill(), () => undefined);
  holder = id = undefined;
});

describe.skipIf(skip !== undefined)(`a group owned from inside a pid namespace${skip ? ` (skipped: ${skip})` : ''}`, () => {
  it('is not orphaned while its supervisor lives, and is orphaned once it is gone', async () => {
    holder = spawn(UNSHARE, ['--pid', '--fork', '--kill-child', '--mount-proc', process.execPath, fixture('cgroup-hold-group.mjs')], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: holder.stdout! });
    id = (await lines[Symbol.asyncIterator]().next()).value as string;
    lines.close();
    expect(id).toMatch(/@1\.i\d+\.\d+$/); // the owner pid as the namespace sees it
    const live = (await listGroups()).find((g) => g.id === id);
    expect(live).toMatchObject({ backend: 'cgroup', orphaned: false });

    const exited = new Promise((resolve) => holder!.once('exit', resolve));
    holder.kill('SIGKILL');
    await exited;
    // unshare's death reaches the namespace's PID 1 as a signal (PR_SET_PDEATHSIG), a moment
    // later: wait for that death to show, then the directory stays until reclaimed.
    const deadline = Date.now() + 20_000;
    let after = (await listGroups()).find((g) => g.id === id);
    while (after?.orphaned === false && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      after = (await listGroups()).find((g) => g.id === id);
    }
    // The namespace's teardown SIGKILLs the group's members and its pg-helper together: the
    // helper may still see the group die with its owner and remove it (gone), or die first and
    // leave the empty directory (listed, orphaned). Either way it is no longer taken as owned.
    if (after !== undefined) expect(after).toMatchObject({ backend: 'cgroup', orphaned: true });
  });
});
