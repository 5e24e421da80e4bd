// Listing the members of a tree of N with 10% setsid escapers, and how many each method finds
// (N is the truth): pg's members() (each backend) against reading cgroup.procs directly,
// pidtree, and a /proc scan by process group. One tree per method, listed `reps` times.
import pidtree from 'pidtree';
import { scanPgid } from '../lib/proc.mjs';
import { startDetached, startPg, startRawCgroup } from '../lib/starters.mjs';
import { TREE, newToken, reap, waitForTree } from '../lib/tree.mjs';
import { now, within } from '../lib/trial.mjs';

export function listMethods({ backends, rawCgroup }) {
  const methods = backends.map((backend) => ({
    method: `pg ${backend} members()`,
    backend,
    start: (file, args) => startPg(backend, file, args),
    list: async (h) => (await h.group.members()).length,
  }));
  if (rawCgroup.ok) {
    methods.unshift({ method: 'raw cgroup.procs read', baseline: true, start: startRawCgroup, list: async (h) => h.cg.procs().length });
  }
  methods.push(
    { method: 'pidtree', start: startDetached, list: async (h) => (await pidtree(h.leaderPid, { root: true })).length },
    { method: '/proc scan (pgid)', baseline: !rawCgroup.ok, start: startDetached, list: async (h) => (await scanPgid(h.leaderPid)).length },
  );
  return methods;
}

export async function listScenario(options, n, reps, log) {
  const rows = [];
  for (const m of listMethods(options)) {
    const row = { scenario: 'list members', n, method: m.method, backend: m.backend, baseline: m.baseline, samples: [], found: [], errors: [] };
    rows.push(row);
    const token = newToken();
    let handle;
    try {
      handle = await m.start(TREE, [String(n), token]);
      await waitForTree('tree', n, token);
      for (let i = 0; i < reps + 3; i++) {
        const t0 = now();
        const found = await within(m.list(handle), 60_000, m.method);
        const t = now() - t0;
        if (i < 3) continue; // warm-up: first reads page in code and kernel caches
        row.samples.push(t);
        row.found.push(found);
      }
    } catch (error) {
      row.errors.push(error.message);
      log(`  ${m.method} N=${n}: ${error.message}`);
    } finally {
      await reap(token);
      if (handle !== undefined) await within(handle.dispose(), 30_000, 'disposing the tree');
    }
  }
  return rows;
}
