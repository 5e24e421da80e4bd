// kill → provably empty, on a tree of N with 10% setsid escapers, and the survivors 100 ms
// later: pg (each backend) against raw cgroup.kill, kill(-pgid), tree-kill and execa's kill.
import { setImmediate as tick } from 'node:timers/promises';
import treeKill from 'tree-kill';
import { scanPgidSync } from '../lib/proc.mjs';
import { startDetached, startExeca, startPg, startPlain, startRawCgroup } from '../lib/starters.mjs';
import { allDead, escapers } from '../lib/tree.mjs';
import { now, treeTrial } from '../lib/trial.mjs';

/** The kill methods, each with what "empty" means for it. */
export function killMethods({ backends, rawCgroup, treeKillAt1000 }) {
  const methods = backends.map((backend) => ({
    method: `pg ${backend} kill()`,
    backend,
    note: 'kill() resolves once the group is provably empty (and its cgroup removed)',
    start: (file, args) => startPg(backend, file, args),
    async measure(h) {
      const t0 = now();
      await h.group.kill();
      return { ms: now() - t0 };
    },
  }));
  if (rawCgroup.ok) {
    methods.unshift({
      method: 'raw cgroup.kill',
      baseline: true,
      note: 'write 1 to cgroup.kill, wait for populated 0 (inotify + 1 ms re-read), rmdir',
      start: startRawCgroup,
      async measure(h) {
        const t0 = now();
        h.cg.kill();
        await h.cg.whenEmpty();
        await h.cg.remove();
        return { ms: now() - t0 };
      },
    });
  }
  methods.push(
    {
      method: 'kill(-pgid)',
      baseline: !rawCgroup.ok,
      note: 'process.kill(-pgid, SIGKILL), then /proc scans until no live process has that pgid',
      start: startDetached,
      async measure(h) {
        const t0 = now();
        process.kill(-h.leaderPid, 'SIGKILL');
        while (scanPgidSync(h.leaderPid).length > 0) await tick();
        return { ms: now() - t0 };
      },
    },
    {
      method: 'tree-kill',
      note: 'tree-kill(pid, SIGKILL) callback, then until every non-escaper it could reach is dead',
      skip: (n) =>
        n >= 1000 && !treeKillAt1000
          ? 'left out at N=1000: tree-kill starts one `ps` per process (~1,500 at once, 14 s in docs/linux.md); pass --tree-kill-1000 to include it'
          : undefined,
      start: startPlain,
      async measure(h, found) {
        const reachable = found.filter((p) => !escapers(found, h.leaderPid).includes(p));
        const t0 = now();
        await new Promise((resolve, reject) => treeKill(h.leaderPid, 'SIGKILL', (e) => (e ? reject(e) : resolve())));
        while (!allDead(reachable)) await tick();
        return { ms: now() - t0 };
      },
    },
    {
      method: 'execa .kill()',
      note: "subprocess.kill('SIGKILL') → the leader's exit: execa signals the leader alone, its children are orphaned",
      start: startExeca,
      async measure(h) {
        const t0 = now();
        h.subprocess.kill('SIGKILL');
        await h.subprocess;
        return { ms: now() - t0 };
      },
    },
  );
  return methods;
}

/** Trials interleaved round-robin over methods; rows: { scenario, n, method, samples, survivors }. */
export async function killScenario(options, n, reps, log) {
  return runTrials('kill → empty', 'tree', killMethods(options), n, reps, log);
}

/** Shared by kill and SIGTERM: `reps` interleaved trials per method at size `n`. */
export async function runTrials(scenario, kind, methods, n, reps, log) {
  const rows = methods.map((m) => ({ scenario, n, method: m.method, backend: m.backend, baseline: m.baseline, note: m.note, samples: [], survivors: [], skipped: m.skip?.(n), errors: [] }));
  for (let i = 0; i < reps; i++) {
    for (const [k, m] of methods.entries()) {
      const row = rows[k];
      if (row.skipped) continue;
      try {
        const r = await treeTrial({ kind, n, start: m.start, measure: m.measure });
        row.samples.push(r.ms);
        row.survivors.push(r.survivors);
      } catch (error) {
        row.errors.push(error.message);
        log(`  ${m.method} N=${n}: ${error.message}`);
      }
    }
  }
  return rows;
}
