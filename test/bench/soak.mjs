// npm run soak [-- --cycles N] [--backend NAME]: N (default 10,000) spawn → stop cycles of a small
// tree (5 processes) on the default backend (or the one named), sampling the supervisor's open
// fds, the cgroup directories under pg's base, zombie children of the supervisor, processes of
// the trees still alive, V8 heap and RSS. Fails (exit 1) if any of them grows without bound:
// the last quarter of the run above the second quarter (after warm-up) by more than a slack.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import v8 from 'node:v8';
import vm from 'node:vm';
import { spawnGroup } from '@pg/core';
import { cgroup2Mount } from './lib/cgroup-raw.mjs';
import { findByToken, zombieChildren } from './lib/proc.mjs';
import { TREE, newToken, reap, runReaping } from './lib/tree.mjs';

const USAGE = 'usage: node test/bench/soak.mjs [--cycles N] [--backend auto|cgroup|posix|contract]';

function parseArgs(argv) {
  const o = { cycles: 10_000, backend: undefined };
  for (let i = 0; i < argv.length; i++) {
    const [key, inline] = argv[i].split('=', 2);
    const value = inline ?? argv[++i];
    if (key === '--cycles') o.cycles = Number(value);
    else if (key === '--backend') o.backend = value;
    else throw new TypeError(`Invalid argument: ${argv[i]}. Expected:\n${USAGE}`);
  }
  if (!Number.isInteger(o.cycles) || o.cycles < 8) throw new TypeError(`Invalid --cycles: ${o.cycles}. Expected an integer >= 8.`);
  return o;
}

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

/** The cgroup directory of a group id (a cgroup path), or undefined for other backends. */
function cgroupDirOf(group) {
  if (group.backend !== 'cgroup') return undefined;
  const mount = cgroup2Mount();
  return `${mount}${group.id}`;
}

/**
 * Group directories of this supervisor under the base: pg names them `NAME@PID.TOKEN.SEQ`, so
 * groups of other processes using the same base (tests running in parallel) are not counted.
 */
function countDirs(dir) {
  if (dir === undefined) return 0;
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory() && e.name.includes(`@${process.pid}.`)).length;
  } catch (error) {
    if (error.code === 'ENOENT') return 0; // pg removes the base with its last group
    throw error;
  }
}

/**
 * pg's spawner (a child of this process running `pg-helper --spawner`), if one runs: its open fds,
 * resident memory and zombie children, sampled like the supervisor's own.
 */
function spawnerFigures() {
  for (const task of readdirSync('/proc/self/task')) {
    for (const pid of readFileSync(`/proc/self/task/${task}/children`, 'latin1').split(' ').filter(Boolean)) {
      let cmdline;
      try {
        cmdline = readFileSync(`/proc/${pid}/cmdline`, 'latin1');
      } catch (error) {
        if (error.code === 'ENOENT' || error.code === 'ESRCH') continue;
        throw error;
      }
      if (!cmdline.split('\0').includes('--spawner')) continue;
      const rss = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'latin1'));
      return { spawnerFds: readdirSync(`/proc/${pid}/fd`).length, spawnerRssMB: rss === null ? 0 : Number(rss[1]) / 1024, spawnerZombies: zombieChildren(Number(pid)) };
    }
  }
  return { spawnerFds: 0, spawnerRssMB: 0, spawnerZombies: 0 };
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const token = newToken();
  const every = Math.max(1, Math.floor(o.cycles / 100));
  const samples = [];
  const stopErrors = [];
  let base;
  let backend;
  const t0 = performance.now();
  for (let cycle = 1; cycle <= o.cycles; cycle++) {
    const group = await spawnGroup(TREE, ['5', token], { backend: o.backend, stdio: 'ignore' });
    backend ??= group.backend;
    // pg's base can be removed when its last group goes: keep the parent of the first group's dir.
    base ??= cgroupDirOf(group) && dirname(cgroupDirOf(group));
    // Stop a formed tree: wait (bounded) until the leader has forked its 4 sleepers.
    for (let i = 0; i < 400 && (await group.members()).length < 5; i++) await sleep(5);
    try {
      await group.stop({ timeout: 5000 });
    } catch (error) {
      // A failed stop is a finding, not the end of the soak: count it, make sure the group
      // ends anyway (kill() by the kernel's means, else the token reap below), and go on.
      stopErrors.push({ cycle, message: `${error.code ?? error.name}: ${error.message}` });
      await group.kill().catch(() => reap(token));
    }
    if (cycle % every === 0 || cycle === 1) {
      gc();
      const mem = process.memoryUsage();
      samples.push({
        cycle,
        fds: readdirSync('/proc/self/fd').length,
        cgroupDirs: countDirs(base),
        zombies: zombieChildren(),
        leftover: findByToken(token).length,
        heapMB: mem.heapUsed / 2 ** 20,
        rssMB: mem.rss / 2 ** 20,
        ...spawnerFigures(),
      });
      if (cycle % (every * 10) === 0 || cycle === 1) {
        const s = samples.at(-1);
        console.log(`cycle ${String(cycle).padStart(6)}  fds ${s.fds}  cgroup dirs ${s.cgroupDirs}  zombies ${s.zombies}  leftover ${s.leftover}  heap ${s.heapMB.toFixed(1)} MB  rss ${s.rssMB.toFixed(1)} MB  spawner fds ${s.spawnerFds} rss ${s.spawnerRssMB.toFixed(1)} MB  (${((performance.now() - t0) / cycle).toFixed(1)} ms/cycle)`);
      }
    }
  }
  await reap(token);
  const verdicts = judge(samples);
  verdicts.push({
    what: 'stop() calls that rejected',
    ok: stopErrors.length === 0,
    figure: stopErrors.length === 0 ? '0' : `${stopErrors.length} of ${o.cycles} (first at cycle ${stopErrors[0].cycle}: ${stopErrors[0].message})`,
  });
  console.log(`\n${o.cycles} cycles on the ${backend} backend in ${((performance.now() - t0) / 1000).toFixed(0)} s; ${samples.length} samples${base ? `; base ${base}` : ''}`);
  for (const v of verdicts) console.log(`  ${v.ok ? 'ok  ' : 'FAIL'}  ${v.what}: ${v.figure}`);
  if (verdicts.some((v) => !v.ok)) process.exitCode = 1;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/**
 * Bounded means: the last quarter of the run stays within `slack` of the second quarter (the
 * first quarter is warm-up: code paging in, V8 sizing its heap). Counts that must return to
 * zero (leftover processes) are judged on the last sample.
 */
function judge(samples) {
  const q = Math.max(1, Math.floor(samples.length / 4));
  const second = samples.slice(q, 2 * q);
  const last = samples.slice(-q);
  const check = (what, key, slack, unit = '') => {
    const before = Math.max(...second.map((s) => s[key]));
    const after = Math.max(...last.map((s) => s[key]));
    return { what, ok: after <= before + slack, figure: `first ${fmt(samples[0][key])}${unit}, 2nd quarter max ${fmt(before)}${unit}, last quarter max ${fmt(after)}${unit} (slack ${slack}${unit})` };
  };
  const fmt = (x) => (Number.isInteger(x) ? String(x) : x.toFixed(1));
  const heapBefore = median(second.map((s) => s.heapMB));
  const heapAfter = median(last.map((s) => s.heapMB));
  const rssBefore = median(second.map((s) => s.rssMB));
  const rssAfter = median(last.map((s) => s.rssMB));
  return [
    check('open fds of the supervisor', 'fds', 2),
    check('cgroup directories of this supervisor under the base', 'cgroupDirs', 0),
    check('zombie children of the supervisor', 'zombies', 2),
    check("open fds of pg's spawner", 'spawnerFds', 0),
    check("zombie children of pg's spawner", 'spawnerZombies', 2),
    check("resident memory of pg's spawner", 'spawnerRssMB', 0.5, ' MB'),
    { what: 'processes of the trees left alive', ok: samples.at(-1).leftover === 0, figure: `last sample ${samples.at(-1).leftover}, max ${Math.max(...samples.map((s) => s.leftover))}` },
    { what: 'V8 heap after gc', ok: heapAfter <= heapBefore + 4, figure: `2nd quarter median ${heapBefore.toFixed(1)} MB, last quarter median ${heapAfter.toFixed(1)} MB (slack 4 MB)` },
    { what: 'RSS after gc', ok: rssAfter <= rssBefore * 1.25 + 8, figure: `first ${samples[0].rssMB.toFixed(1)} MB, 2nd quarter median ${rssBefore.toFixed(1)} MB, last quarter median ${rssAfter.toFixed(1)} MB (slack 25% + 8 MB)` },
  ];
}

runReaping(main);
