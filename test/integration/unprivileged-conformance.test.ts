// The conformance suite on the user axis: run for real as uid 65534 (setpriv), and reported here
// behaviour by behaviour, titled `[backend, placement, uid 65534]`. Twice, each in a cgroup made for
// the run: one root owns, where the cgroup backend must be skipped with its probe's reason, `auto`
// must pick reaper, and reaper and posix must pass; and one delegated to uid 65534 (chowned as
// systemd delegates), where the cgroup backend must pass every behaviour it guarantees.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe } from '@pg/core';
import { LACKS_GUARANTEE, mirror, NEEDS_ROOT, runConformance } from './nested-conformance.js';
import { AS_NOBODY, readableCheckout, SETPRIV } from './unprivileged.js';

const root = process.geteuid?.() === 0 && existsSync(SETPRIV);
const NOBODY = 'uid 65534';
/** Skips that are right as uid 65534: a guarantee the backend does not make, or a setup only root can do. */
const LACKS_OR_NEEDS_ROOT = new RegExp(`${LACKS_GUARANTEE.source}|${NEEDS_ROOT.source}`);

if (!root) {
  describe.skip(`conformance as ${NOBODY}, nested runs, skipped: they switch to uid 65534 with ${SETPRIV}, as root`, () => it('runs', () => undefined));
} else {
  // The placement the delegated run should find: the one this machine gives root.
  const cgroup = (await probe()).find((p) => p.backend === 'cgroup');
  const placement = cgroup?.available === true && /pre-exec/.test(cgroup.reason) ? 'pre-exec' : 'clone3';
  // One after the other: each loads the machine as a whole suite does.
  const rootOwned = await runConformance({ name: 'nobody-root-owned', asNobody: true, delegated: false });
  const delegated = await runConformance({ name: 'nobody-delegated', asNobody: true, delegated: true, testNamePattern: '\\[cgroup, ' });

  mirror(`conformance as ${NOBODY} from a cgroup root owns, a nested run`, rootOwned, {
    axes: { cgroup: `[cgroup, ${NOBODY}]`, reaper: `[reaper, ${NOBODY}]`, posix: `[posix, ${NOBODY}]` },
    rightSkips: { cgroup: /EACCES|may not/, reaper: NEEDS_ROOT, posix: LACKS_OR_NEEDS_ROOT },
  });

  mirror(`conformance as ${NOBODY} from a cgroup delegated to it, a nested run`, delegated, {
    axes: { cgroup: `[cgroup, ${placement}, ${NOBODY}]` },
    rightSkips: { cgroup: LACKS_OR_NEEDS_ROOT },
  });

  describe(`spawnGroup as ${NOBODY} from a cgroup root owns`, () => {
    let readable: ReturnType<typeof readableCheckout>;
    beforeAll(() => {
      readable = readableCheckout();
    });
    afterAll(() => readable.cleanup());

    it("picks reaper for backend 'auto'", async () => {
      const script = "const { spawnGroup } = await import('@pg/core'); const g = await spawnGroup('/bin/true', [], { stdio: 'ignore' }); await g.empty; console.log(g.backend);";
      const backend = await new Promise<string>((resolve, reject) => {
        execFile(AS_NOBODY[0]!, [...AS_NOBODY.slice(1), process.execPath, '--input-type=module', '-e', script], { cwd: readable.path, env: { ...process.env, PG_BACKEND: '' } }, (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout.trim()),
        );
      });
      expect(backend).toBe('reaper');
    });
  });
}
