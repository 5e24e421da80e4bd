// SIGTERM to every member of a tree whose members fork while it is delivered → empty, and the
// survivors 100 ms later: pg's signal() (each backend) against kill(-pgid, SIGTERM), the
// hand-written cgroup.procs loop (systemd's way, without freezing) and tree-kill.
import { setImmediate as tick } from 'node:timers/promises';
import treeKill from 'tree-kill';
import { scanPgidSync } from '../lib/proc.mjs';
import { startDetached, startPg, startPlain, startRawCgroup } from '../lib/starters.mjs';
import { allDead, escapers } from '../lib/tree.mjs';
import { now } from '../lib/trial.mjs';
import { runTrials } from './kill.mjs';

function send(pid, signal) {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if (error.code !== 'ESRCH') throw error;
  }
}

export function sigtermMethods({ backends, rawCgroup }) {
  const methods = backends.map((backend) => ({
    method: `pg ${backend} signal('SIGTERM')`,
    backend,
    note: "group.signal('SIGTERM'), then group.empty",
    start: (file, args) => startPg(backend, file, args),
    async measure(h) {
      const t0 = now();
      await h.group.signal('SIGTERM');
      await h.group.empty;
      return { ms: now() - t0 };
    },
  }));
  if (rawCgroup.ok) {
    methods.unshift({
      method: 'raw cgroup.procs loop',
      baseline: true,
      note: 'read cgroup.procs, SIGTERM each new pid, repeat until a pass finds none new; wait for populated 0',
      start: startRawCgroup,
      async measure(h) {
        const t0 = now();
        const done = new Set();
        for (let pass = 0; pass < 100; pass++) {
          const fresh = h.cg.procs().filter((pid) => !done.has(pid));
          if (fresh.length === 0) break;
          for (const pid of fresh) {
            send(pid, 'SIGTERM');
            done.add(pid);
          }
        }
        await h.cg.whenEmpty();
        await h.cg.remove();
        return { ms: now() - t0 };
      },
    });
  }
  methods.push(
    {
      method: 'kill(-pgid, SIGTERM)',
      baseline: !rawCgroup.ok,
      note: 'one kill(-pgid), then /proc scans until no live process has that pgid',
      start: startDetached,
      async measure(h) {
        const t0 = now();
        process.kill(-h.leaderPid, 'SIGTERM');
        while (scanPgidSync(h.leaderPid).length > 0) await tick();
        return { ms: now() - t0 };
      },
    },
    {
      method: 'tree-kill SIGTERM',
      note: 'tree-kill(pid, SIGTERM), then until every non-escaper it saw is dead',
      skip: (n) => (n >= 1000 ? 'left out at N=1000: one `ps` per process, as for kill' : undefined),
      start: startPlain,
      async measure(h, found) {
        const reachable = found.filter((p) => !escapers(found, h.leaderPid).includes(p));
        const t0 = now();
        await new Promise((resolve, reject) => treeKill(h.leaderPid, 'SIGTERM', (e) => (e ? reject(e) : resolve())));
        while (!allDead(reachable)) await tick();
        return { ms: now() - t0 };
      },
    },
  );
  return methods;
}

export function sigtermScenario(options, n, reps, log) {
  return runTrials('SIGTERM, forking tree → empty', 'forking', sigtermMethods(options), n, reps, log);
}
