// npm run bench: pg against its peers, side by side, in one run on this machine. Prints a table
// and writes BENCHMARKS.md at the repository root. See BENCHMARKS.md "Reproduce" for flags.
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { probe } from '@pg/core';
import { rawCgroupUsable } from './lib/cgroup-raw.mjs';
import { analysis, annotate, consoleTable, judgeTargets, markdown } from './lib/report.mjs';
import { profileMisses } from './lib/profile.mjs';
import { runReaping } from './lib/tree.mjs';
import { killScenario } from './scenarios/kill.mjs';
import { listScenario } from './scenarios/list.mjs';
import { sigtermScenario } from './scenarios/sigterm.mjs';
import { echoScenario, spawnScenario } from './scenarios/spawn.mjs';
import { footprintScenario } from './scenarios/footprint.mjs';
import { cliStartScenario } from './scenarios/cli-start.mjs';

const USAGE = `usage: node test/bench/run.mjs [--sizes=10,100,1000] [--reps=FACTOR] [--only=spawn,kill,list,sigterm,footprint,cli]
                             [--tree-kill-1000] [--no-profile] [--no-write] [--out=FILE]`;

function parseArgs(argv) {
  const o = { sizes: [10, 100, 1000], reps: 1, only: ['spawn', 'kill', 'list', 'sigterm', 'footprint', 'cli'], treeKillAt1000: false, write: true, profile: true, out: fileURLToPath(new URL('../../BENCHMARKS.md', import.meta.url)) };
  for (const arg of argv) {
    const [key, value] = arg.split('=', 2);
    if (key === '--sizes') o.sizes = value.split(',').map(Number);
    else if (key === '--reps') o.reps = Number(value);
    else if (key === '--only') o.only = value.split(',');
    else if (key === '--tree-kill-1000') o.treeKillAt1000 = true;
    else if (key === '--no-write') o.write = false;
    else if (key === '--no-profile') o.profile = false;
    else if (key === '--out') o.out = value;
    else throw new TypeError(`Invalid argument: ${arg}. Expected one of:\n${USAGE}`);
  }
  if (!o.sizes.every((n) => Number.isInteger(n) && n >= 10 && n <= 5000)) throw new TypeError(`Invalid --sizes: ${o.sizes}. Expected integers from 10 to 5000.`);
  if (!(o.reps > 0)) throw new TypeError(`Invalid --reps: ${o.reps}. Expected a factor > 0.`);
  return o;
}

/** Repetitions per scenario and size, scaled by --reps (at least 1; 3 where a median matters). */
const REPS = {
  spawn: () => 200,
  // kill medians at N=100 and 1000 swing by ±30% on this shared 2-core machine with fewer runs.
  kill: (n) => (n <= 10 ? 30 : n <= 100 ? 25 : 7),
  list: (n) => (n <= 100 ? 50 : 20),
  sigterm: (n) => (n <= 10 ? 9 : n <= 100 ? 5 : 3),
  // Whole Node processes (~0.1–0.3 s each): medians of 30 hold within a few % under load.
  cli: () => 30,
};
const reps = (o, which, n) => Math.max(1, Math.round(REPS[which](n) * o.reps));

const loadavg = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

async function main() {
  const argv = process.argv.slice(2);
  const o = parseArgs(argv);
  const started = Date.now();
  const machine = {
    date: new Date().toISOString(),
    cpu: os.cpus()[0]?.model ?? 'unknown',
    cores: os.cpus().length,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    kernel: `${os.type()} ${os.release()} ${os.machine()}`,
    node: process.version,
    loadStart: loadavg(),
  };
  const probes = await probe();
  const backends = probes.filter((p) => p.available).map((p) => p.backend);
  const rawCgroup = rawCgroupUsable();
  const options = { backends, rawCgroup, treeKillAt1000: o.treeKillAt1000 };
  const log = (line) => console.error(line);
  log(`pg bench: backends ${backends.join(', ') || 'none'}; raw cgroup: ${rawCgroup.reason}; sizes ${o.sizes.join(', ')}`);
  for (const p of probes.filter((x) => !x.available)) log(`  ${p.backend} unavailable: ${p.reason}`);

  const rows = [];
  if (o.only.includes('spawn')) {
    log(`spawn → exit, isolated (${Math.round(reps(o, 'spawn', 1) / 2)} reps) and back-to-back (${reps(o, 'spawn', 1)} reps)`);
    rows.push(...(await spawnScenario({ ...options, reps: reps(o, 'spawn', 1) })));
    log(`spawn echo hello → stdout read to the end (${reps(o, 'spawn', 1)} reps)`);
    rows.push(...(await echoScenario({ ...options, reps: reps(o, 'spawn', 1) })));
  }
  for (const n of o.sizes) {
    if (o.only.includes('kill')) {
      log(`kill → empty, N=${n} (${reps(o, 'kill', n)} reps)`);
      rows.push(...(await killScenario(options, n, reps(o, 'kill', n), log)));
    }
    if (o.only.includes('list')) {
      log(`list members, N=${n} (${reps(o, 'list', n)} reps)`);
      rows.push(...(await listScenario(options, n, reps(o, 'list', n), log)));
    }
    if (o.only.includes('sigterm')) {
      log(`SIGTERM to a forking tree, N=${n} (${reps(o, 'sigterm', n)} reps)`);
      rows.push(...(await sigtermScenario(options, n, reps(o, 'sigterm', n), log)));
    }
  }
  if (o.only.includes('footprint')) {
    log('footprints: pg-helper per group, inits as PID 1 (resident memory one second in, start-up)');
    rows.push(...(await footprintScenario(options)));
  }
  if (o.only.includes('cli')) {
    log(`pg command start-up against node -e 0 (${reps(o, 'cli', 1)} reps)`);
    rows.push(...(await cliStartScenario({ reps: reps(o, 'cli', 1) })));
  }
  annotate(rows);
  machine.loadEnd = loadavg();

  const cgroupProbe = probes.find((p) => p.backend === 'cgroup');
  const targets = judgeTargets(rows, { cgroupProbe, rawCgroup });
  const profiles = o.profile ? await profileMisses(targets, log) : [];
  const findings = [...analysis(rows), ...profiles];
  const notes = [...NOTES, ...skippedNotes(rows)];
  console.log(`\n${consoleTable(rows)}\n`);
  console.log('Targets (Linux issue):');
  const label = (v) => (v === 'met' ? 'MET    ' : v.startsWith('not met') ? 'NOT MET' : 'N/A    ');
  for (const t of targets) console.log(`  ${label(t.verdict)}  ${t.target}: ${t.figure}${t.verdict === 'met' ? '' : ` (${t.verdict})`}`);
  for (const p of findings) console.log(`\n${p}`);
  if (o.write) {
    writeFileSync(o.out, markdown({ rows, machine, probes, rawCgroup, targets, notes, findings, argv, durationS: (Date.now() - started) / 1000 }));
    console.log(`\nwrote ${relative(process.cwd(), o.out) || o.out}`);
  }
}

const NOTES = [
  'Trees: `test/fixtures/bench-tree.sh N TOKEN` forks N−1−N/10 sleepers and N/10 escapers that leave the session with `setsid -f` (a daemon\'s double fork), N live processes in all. Each trial starts a fresh tree and waits until all N have exec\'d before measuring.',
  '**spawn → exit**: `/bin/true`, `stdio: \'ignore\'`, in two regimes. *Isolated*: 50 ms idle before each spawn, methods interleaved. *Back-to-back*: each method\'s spawns in one burst. They differ for the pre-exec placement only: writing a pid to `cgroup.procs` takes `cgroup_threadgroup_rwsem` for writing, which waits for an RCU grace period (~10–15 ms here) unless another migration happened in the last ~20 ms (cgroup2 is mounted here without `favordynmods`, which would remove that wait). pg\'s cgroup backend places leaders through its per-owner spawner (`pg-helper --spawner`, started once per process) with `clone3(CLONE_INTO_CGROUP)` (no migration, no fork of Node) when the helper is built, as here: the probe says which. pg "→ leader exit" stops at `group.leader.exited` (like `child_process`\' `exit` event); "→ empty, cleaned up" at `group.empty`, when the group is seen empty and its cgroup directory removed. Two raw rows are floors: mkdir, a `/bin/sh -c \'echo 0 > DIR/cgroup.procs && exec "$@"\'` pre-exec step, rmdir; mkdir, `pg-helper --cgroup DIR -- /bin/true` (clone3 from a helper Node spawns per group, pg\'s path before the spawner), rmdir; and mkdir, one `spawnLeader` request to the spawner, rmdir. The reaper rows have the spawner start a per-group pg-helper (a subreaper) in front of the leader.',
  '**spawn echo hello → stdout read to the end**: `/bin/echo hello` with stdout a pipe, read to its end in Node and the exit collected, methods interleaved; pg\'s leader.stdout is a `net.Socket` on a close-on-exec pipe the spawner passed to the leader.',
  '**kill → empty**: from the kill request until the method\'s own proof of emptiness: pg `kill()` resolving; raw `cgroup.kill` until `populated 0` in `cgroup.events` (inotify plus a 1 ms re-read) and rmdir; `kill(-pgid)` until a /proc scan finds no live process in the process group; tree-kill until its callback and every non-escaper it could reach is dead; execa until the leader\'s exit (execa\'s `kill()` signals the leader alone). **Survivors**: processes of the tree still alive (not zombies) 100 ms after that, found by the token in their argv. The bench kills every survivor by pid afterwards.',
  '**footprints**: VmRSS (/proc/PID/status) of pg-helper for one reaper group 200 ms after the spawn; of the spawner holding 100 live cgroup groups (`sleep 1000` each) 200 ms after the last spawn; of each init as PID 1 of `unshare --pid --fork --mount-proc INIT -- /bin/sleep 1000` one second after start (`pg init` as the `pg` command runs it, i.e. pg-helper; the Node init, forced with `--verbose`; Debian\'s tini, dumb-init and catatonit). **init start-up**: wall time of `unshare --pid --fork --mount-proc INIT -- /bin/true`, 20 times; the bare `unshare` row is the floor.',
  '**list members**: one call; "found" is how many processes the method returned (N is the truth: only a cgroup sees the escapers). pg `members()` returns `{ pid, ppid, command }` for each member; `cgroup.procs` and the scans return bare pids.',
  '**SIGTERM, forking tree**: `test/fixtures/bench-forking-tree.sh N TOKEN`: N/10 members fork a short `sleep` every 0.2 s while the signal is delivered, N/10 escapers, sleepers for the rest (about N in all). From the request until the method\'s proof of emptiness, as for kill; survivors counted 100 ms later.',
  '**pg command start-up**: wall time from spawn to exit, in the bench\'s process, of `node -e 0` (the baseline), `pg --help` and `pg run -- true` through the committed `packages/cli/bin/pg` script (what `npx pg` runs; a shell script that execs Node on `dist/main.js`), interleaved round-robin, 20 ms apart, after one warm-up round; `pg run -- true` takes the `auto` backend. Two rows between them split `pg run`: a `node -e` that only imports `@pg/core`, and one that imports it and runs `probe()` (what `auto` selection does before the first spawn). **pg command peak memory**: `/usr/bin/time -f %M` (the largest resident set of the process and of what it waited for) of the same commands.',
];

function skippedNotes(rows) {
  const seen = new Set();
  return rows
    .filter((r) => r.skipped && !seen.has(`${r.method}${r.skipped}`) && seen.add(`${r.method}${r.skipped}`))
    .map((r) => `**${r.method}** ${r.skipped}.`);
}

runReaping(main, { onSignal: (signal) => console.error(`\n${signal}: killing every tree this run started…`) });
