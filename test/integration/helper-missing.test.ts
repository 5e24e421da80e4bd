// Without pg-helper (not built, or PG_HELPER pointing nowhere): the reaper backend is unavailable
// with the reason, an ordinary user's `auto` falls back to posix as before the helper existed,
// and root's cgroup backend places leaders with the pre-exec step and says it cannot die with
// its owner.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AS_NOBODY, readableCheckout, SETPRIV } from './unprivileged.js';

const run = promisify(execFile);
const root = process.geteuid?.() === 0 && existsSync(SETPRIV);
const script = `import { probe, spawnGroup } from '@pg/core';
const probes = await probe();
const group = await spawnGroup('/bin/true', [], { stdio: 'ignore' });
await group.empty;
console.log(JSON.stringify({ probes: probes.map(({ backend, available, reason, guarantees }) => ({ backend, available, reason, diesWithOwner: guarantees?.diesWithOwner })), auto: group.backend }));`;

let readable: ReturnType<typeof readableCheckout>;
beforeAll(() => {
  readable = readableCheckout();
});
afterAll(() => readable.cleanup());

type Report = { probes: { backend: string; available: boolean; reason: string; diesWithOwner?: boolean }[]; auto: string };

async function report(prefix: readonly string[]): Promise<Report> {
  const env = { ...process.env, PG_HELPER: '/nonexistent/pg-helper', PG_BACKEND: '' };
  const argv = [...prefix, process.execPath, '--input-type=module', '-e', script];
  const { stdout } = await run(argv[0] as string, argv.slice(1), { env, cwd: readable.path, timeout: 60_000 });
  return JSON.parse(stdout) as Report;
}

describe('with pg-helper missing', () => {
  it('root: reaper is unavailable naming PG_HELPER; cgroup (if available) uses the pre-exec step and does not die with its owner', async () => {
    const r = await report([]);
    const reaper = r.probes.find((p) => p.backend === 'reaper')!;
    expect(reaper.available).toBe(false);
    expect(reaper.reason).toMatch(/PG_HELPER/);
    const cgroup = r.probes.find((p) => p.backend === 'cgroup')!;
    if (cgroup.available) {
      expect(cgroup.reason).toMatch(/pre-exec/);
      expect(cgroup.diesWithOwner).toBe(false);
      expect(r.auto).toBe('cgroup');
    } else expect(r.auto).toBe('posix');
  });

  it.skipIf(!root)('uid 65534 with no writable cgroup: auto falls back to posix, as before', async () => {
    const r = await report(AS_NOBODY);
    expect(r.probes.find((p) => p.backend === 'reaper')).toMatchObject({ available: false, reason: expect.stringMatching(/PG_HELPER/) });
    expect(r.auto).toBe('posix');
  });
});
