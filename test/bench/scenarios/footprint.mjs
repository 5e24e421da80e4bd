// Footprints: the resident memory of pg-helper for one reaper group, of the per-owner spawner
// holding 100 live cgroup groups, and of an init as PID 1 of a
// new pid namespace one second after it started (pg init, which the committed `pg` command runs
// as pg-helper, the Node init it falls back to, and Debian's tini, dumb-init and catatonit), with
// the start-up of each: `unshare --pid --fork --mount-proc INIT -- /bin/true`, wall time.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { spawnGroup } from '@pg/core';
import { childrenOf } from '@pg/procfs';
import { now } from '../lib/trial.mjs';

const run = promisify(execFile);
const UNSHARE = '/usr/bin/unshare';
const PG_BIN = fileURLToPath(new URL('../../../packages/cli/bin/pg', import.meta.url));
const PG_MAIN = fileURLToPath(new URL('../../../packages/cli/dist/main.js', import.meta.url));

/** The parent of `pid`, from /proc/PID/stat (field 4, after the command name). */
function parentOf(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** VmRSS of `pid` in kB, from /proc/PID/status. */
function rssKb(pid) {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
  return m === null ? NaN : Number(m[1]);
}

/** Every init measured, with the argv that starts it around a command (absent ones say why). */
function inits() {
  const list = [
    { method: 'pg init (pg-helper, through the pg command)', argv: [PG_BIN, 'init', '--'] },
    // --backend posix: a group of the namespace's own processes, so nothing outlives it (a cgroup
    // would be left behind, empty, when the namespace is torn down with its helper inside).
    { method: 'pg init (Node, --verbose forces it)', argv: [process.execPath, PG_MAIN, 'init', '--verbose', '--backend', 'posix', '--'] },
  ];
  for (const [name, path, sep] of [['tini', '/usr/bin/tini', '--'], ['dumb-init', '/usr/bin/dumb-init', '--'], ['catatonit', '/usr/bin/catatonit', '--']]) {
    list.push(existsSync(path) ? { method: name, argv: [path, sep] } : { method: name, skipped: `not measured: ${path} is not installed (Debian package ${name})` });
  }
  return list;
}

export async function footprintScenario({ backends }) {
  const rows = [];
  if (backends.includes('reaper')) {
    const samples = [];
    for (let i = 0; i < 5; i++) {
      const group = await spawnGroup('/bin/sleep', ['1000'], { backend: 'reaper', stdio: 'ignore' });
      await sleep(200);
      // The per-group helper is the leader's parent (the spawner started it).
      samples.push(rssKb(parentOf(group.leader.pid)) / 1024);
      await group.kill();
    }
    rows.push({ scenario: 'footprint (MB resident)', n: 1, method: 'pg-helper per reaper group', samples, unit: 'MB' });
  }
  if (backends.includes('cgroup')) {
    // The per-owner spawner holding 100 live cgroup groups (it is each leader's parent).
    const samples = [];
    for (let i = 0; i < 3; i++) {
      const groups = [];
      for (let k = 0; k < 100; k++) groups.push(await spawnGroup('/bin/sleep', ['1000'], { backend: 'cgroup', stdio: 'ignore' }));
      await sleep(200);
      const spawner = parentOf(groups[0].leader.pid);
      const cmd = readFileSync(`/proc/${spawner}/cmdline`, 'latin1');
      samples.push(cmd.includes('--spawner') ? rssKb(spawner) / 1024 : NaN);
      await Promise.all(groups.map((g) => g.kill()));
    }
    rows.push({ scenario: 'footprint (MB resident)', n: 100, method: 'pg-helper spawner with 100 live cgroup groups', samples, unit: 'MB' });
  }
  const root = process.geteuid?.() === 0 && existsSync(UNSHARE);
  for (const init of inits()) {
    if (init.skipped || !root) {
      rows.push({ scenario: 'footprint (MB resident)', n: 1, method: `${init.method}, PID 1 after 1 s`, samples: [], unit: 'MB', skipped: init.skipped ?? 'not measured: needs root and unshare' });
      rows.push({ scenario: 'init start-up (unshare … INIT -- /bin/true)', n: 1, method: init.method, samples: [], skipped: init.skipped ?? 'not measured: needs root and unshare' });
      continue;
    }
    const rss = [];
    for (let i = 0; i < 3; i++) {
      // --kill-child: unshare's death SIGKILLs the namespace's PID 1, and so everything in it.
      const child = spawn(UNSHARE, ['--pid', '--fork', '--kill-child', '--mount-proc', ...init.argv, '/bin/sleep', '1000'], { stdio: 'ignore' });
      await sleep(1000);
      const pid1 = childrenOf(child.pid)[0];
      rss.push(pid1 === undefined ? NaN : rssKb(pid1) / 1024);
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    rows.push({ scenario: 'footprint (MB resident)', n: 1, method: `${init.method}, PID 1 after 1 s`, samples: rss, unit: 'MB' });
    const startup = [];
    for (let i = 0; i < 20; i++) {
      const t0 = now();
      await run(UNSHARE, ['--pid', '--fork', '--mount-proc', ...init.argv, '/bin/true']);
      startup.push(now() - t0);
    }
    rows.push({ scenario: 'init start-up (unshare … INIT -- /bin/true)', n: 1, method: init.method, samples: startup, baseline: init.method === 'tini' });
  }
  const bare = [];
  if (root) {
    for (let i = 0; i < 20; i++) {
      const t0 = now();
      await run(UNSHARE, ['--pid', '--fork', '--mount-proc', '/bin/true']);
      bare.push(now() - t0);
    }
    rows.push({ scenario: 'init start-up (unshare … INIT -- /bin/true)', n: 1, method: 'bare unshare (no init)', samples: bare });
  }
  return rows;
}
