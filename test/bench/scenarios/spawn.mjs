// spawn → exit of /bin/true: pg on each available backend against plain child_process.spawn,
// execa, and the raw cgroup placement pg's cgroup backend is built on. Two regimes, because
// moving a process into a cgroup (the write to cgroup.procs) takes cgroup_threadgroup_rwsem for
// writing, which waits for an RCU grace period (~10–15 ms here) unless another migration
// happened in the last ~20 ms or cgroup2 is mounted with `favordynmods`:
// - isolated: 50 ms idle before every spawn (an app that starts a helper now and then), methods
//   interleaved round-robin so load changes on the shared machine hit all of them alike;
// - back-to-back: each method's spawns in one burst (a supervisor starting many), so every
//   method sees only its own after-effects.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { execa } from 'execa';
import { spawnGroup } from '@pg/core';
import { findHelper, spawnLeader } from '@pg/helper';
import { RawCgroup } from '../lib/cgroup-raw.mjs';
import { now } from '../lib/trial.mjs';

const TRUE = '/bin/true';

/**
 * `echo hello` with its stdout read to the end, plain spawn against pg on each Linux backend
 * where pg's spawner starts the leader (its stdout a pipe passed over the spawner's socket and
 * read through a net.Socket), interleaved round-robin.
 */
export async function echoScenario({ backends, reps }) {
  const read = async (stream) => {
    let text = '';
    stream.setEncoding('utf8');
    for await (const chunk of stream) text += chunk;
    if (text !== 'hello\n') throw new Error(`read ${JSON.stringify(text)}, expected "hello\\n"`);
  };
  const methods = [
    {
      method: 'child_process.spawn + child.stdout',
      baseline: true,
      async run() {
        const t0 = now();
        const child = spawn('/bin/echo', ['hello'], { stdio: ['ignore', 'pipe', 'ignore'] });
        await Promise.all([read(child.stdout), once(child, 'exit')]);
        return now() - t0;
      },
    },
    ...backends
      .filter((b) => b === 'cgroup' || b === 'reaper')
      .map((backend) => ({
        method: `pg ${backend} + leader.stdout`,
        async run() {
          const t0 = now();
          const group = await spawnGroup('/bin/echo', ['hello'], { backend, stdio: ['ignore', 'pipe', 'ignore'] });
          await Promise.all([read(group.leader.stdout), group.leader.exited]);
          const t = now() - t0;
          await group.empty;
          return t;
        },
      })),
  ];
  const samples = methods.map(() => []);
  for (let i = 0; i < reps + 10; i++) {
    for (const [k, m] of methods.entries()) {
      const t = await m.run();
      if (i >= 10) samples[k].push(t);
    }
  }
  return methods.map((m, k) => ({ scenario: 'spawn echo hello → stdout read to the end', n: 1, method: m.method, baseline: m.baseline, samples: samples[k] }));
}

/** Returns rows: { scenario, method, samples, baseline? }, for both regimes. */
export async function spawnScenario({ backends, rawCgroup, reps }) {
  const methods = spawnMethods(backends, rawCgroup);
  const isolated = methods.map(() => [[], [], []]);
  const isolatedReps = Math.max(1, Math.round(reps / 2));
  for (let i = 0; i < isolatedReps + 3; i++) {
    for (const [k, m] of methods.entries()) {
      await sleep(50);
      const times = await m.run();
      if (i >= 3) times.forEach((t, j) => isolated[k][j].push(t));
    }
  }
  const burst = methods.map(() => [[], [], []]);
  for (const [k, m] of methods.entries()) {
    for (let i = 0; i < reps + 10; i++) {
      const times = await m.run();
      if (i >= 10) times.forEach((t, j) => burst[k][j].push(t));
    }
  }
  return [...rowsOf('spawn → exit, isolated', methods, isolated), ...rowsOf('spawn → exit, back-to-back', methods, burst)];
}

function rowsOf(scenario, methods, samples) {
  const rows = [];
  for (const [k, m] of methods.entries()) {
    rows.push({ scenario, n: 1, method: m.method, backend: m.backend, baseline: m.baseline, samples: samples[k][0] });
    for (const [j, method] of (m.extra ?? []).entries()) rows.push({ scenario, n: 1, method, backend: m.backend, samples: samples[k][j + 1] });
  }
  return rows;
}

function spawnMethods(backends, rawCgroup) {
  const methods = [
    {
      method: 'child_process.spawn',
      baseline: true,
      async run() {
        const t0 = now();
        const child = spawn(TRUE, [], { stdio: 'ignore' });
        await once(child, 'exit');
        return [now() - t0];
      },
    },
    {
      method: 'execa',
      async run() {
        const t0 = now();
        await execa(TRUE, [], { stdio: 'ignore' });
        return [now() - t0];
      },
    },
  ];
  if (rawCgroup.ok) {
    methods.push({
      method: 'raw cgroup (mkdir, sh pre-exec, rmdir)',
      async run() {
        const t0 = now();
        const cg = new RawCgroup();
        const child = cg.spawn(TRUE, [], { stdio: 'ignore' });
        await once(child, 'exit');
        await cg.remove();
        return [now() - t0];
      },
    });
  }
  const helper = findHelper();
  if (rawCgroup.ok && helper.ok) {
    // The floor of pg's clone3 placement: this process's spawner creates /bin/true inside a
    // fresh cgroup (no pg around it).
    methods.push({
      method: 'raw spawner clone3 (mkdir, spawnLeader, rmdir)',
      async run() {
        const t0 = now();
        const cg = new RawCgroup();
        const leader = await spawnLeader({ file: TRUE, args: [], stdio: 'ignore', keep: false, cgroupDir: cg.dir, helperPath: helper.path });
        await leader.exited;
        leader.release();
        cg.remove();
        return [now() - t0];
      },
    });
  }
  if (rawCgroup.ok && helper.ok) {
    // The floor of the clone3 placement: pg-helper creates /bin/true inside a fresh cgroup, no pg.
    methods.push({
      method: 'raw clone3 (mkdir, pg-helper --cgroup, rmdir)',
      async run() {
        const t0 = now();
        const cg = new RawCgroup();
        const child = spawn(helper.path, ['--cgroup', cg.dir, '--', TRUE], { stdio: 'ignore' });
        await once(child, 'exit');
        await cg.remove();
        return [now() - t0];
      },
    });
  }
  for (const backend of backends) {
    methods.push({
      method: `pg ${backend} → leader exit`,
      extra: [`pg ${backend} → empty, cleaned up`, `pg ${backend}: spawnGroup() resolved (part of the above)`],
      backend,
      async run() {
        const t0 = now();
        const group = await spawnGroup(TRUE, [], { backend, stdio: 'ignore' });
        const spawned = now();
        await group.leader.exited;
        const t1 = now();
        await group.empty;
        return [t1 - t0, now() - t0, spawned - t0];
      },
    });
  }
  return methods;
}
