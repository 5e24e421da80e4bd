import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findCgroup2Mount, PRE_EXEC_SCRIPT, PRE_EXEC_SHELL, type Cgroup } from '@pg/cgroup';
import { AS_NOBODY as asNobody, delegateSubtree, discardSubtree, NOBODY, readableCheckout, SETPRIV } from './unprivileged.js';

const run = promisify(execFile);
const root = process.geteuid?.() === 0 && existsSync(SETPRIV);

let delegated: Cgroup | undefined;
// uid 65534 must be able to read the checkout (CI may clone into a mode-700 directory).
let readable: ReturnType<typeof readableCheckout>;
beforeAll(() => {
  readable = readableCheckout();
});
afterAll(() => readable.cleanup());

afterEach(async () => {
  await discardSubtree(delegated);
  delegated = undefined;
});

interface Report {
  uid: number;
  probes: Array<{ backend: string; available: boolean; reason: string }>;
  auto: string;
  id?: string;
  members?: string[];
  emptied?: boolean;
  dirGone?: boolean | null;
  daemonSurvivedKill?: boolean;
}

describe.skipIf(!root)('cgroup backend as uid 65534', () => {
  it('with no writable subtree, auto falls back to reaper (daemons still members) and probe() says why cgroup is out', async () => {
    // This process's cgroup is owned by root: an unprivileged process may neither mkdir nor move there.
    const { stdout } = await run(asNobody[0] as string, [...asNobody.slice(1), process.execPath, join(readable.path, 'test/fixtures/cgroup-probe-as-user.mjs')], { timeout: 60_000 });
    const report = JSON.parse(stdout) as Report;
    expect(report.uid).toBe(NOBODY);
    const cgroup = report.probes.find((p) => p.backend === 'cgroup');
    expect(cgroup?.available).toBe(false);
    expect(cgroup?.reason).toMatch(/EACCES|may not/);
    const reaper = report.probes.find((p) => p.backend === 'reaper');
    expect(reaper?.available, `reaper: ${reaper?.reason}`).toBe(true);
    expect(report.auto).toBe('reaper');
    expect(report.daemonSurvivedKill).toBe(false);
  });

  it('in a delegated subtree, the cgroup backend works: daemons stay members, kill empties, nothing is left', async () => {
    const mount = findCgroup2Mount();
    // Delegate as systemd does; the user's process is started inside the subtree.
    delegated = delegateSubtree(`pgtest-delegated-${process.pid}`);
    const dir = delegated.dir;
    // Start the unprivileged process inside the subtree with the same pre-exec step pg uses.
    const { stdout } = await run(
      PRE_EXEC_SHELL,
      ['-c', PRE_EXEC_SCRIPT, dir, ...asNobody, process.execPath, join(readable.path, 'test/fixtures/cgroup-probe-as-user.mjs'), mount.mountPoint],
      { timeout: 60_000 },
    );
    const report = JSON.parse(stdout) as Report;
    expect(report.uid).toBe(NOBODY);
    expect(report.probes.find((p) => p.backend === 'cgroup')?.available).toBe(true);
    expect(report.auto).toBe('cgroup');
    expect(report.id?.startsWith(`/pgtest-delegated-${process.pid}/pg/`)).toBe(true);
    expect(report.members?.filter((c) => c === 'sleep 1000').length).toBe(2); // the setsid daemon too
    expect(report.emptied).toBe(true);
    expect(report.dirGone).toBe(true);
  });
});
