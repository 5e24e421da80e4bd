// Profiles the pg operation behind a target that was not met, with V8's sampling profiler run
// in this process (node:inspector), and says where the time goes: the share that is JavaScript
// on the main thread at all (the rest is waiting: the kernel, the child, timers), the functions
// with the most self time, and pg's own functions by inclusive time (dist/ file and line).
import { basename } from 'node:path';
import { Session } from 'node:inspector/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { spawnGroup } from '@pg/core';
import { TREE, newToken, reap, waitForTree } from './tree.mjs';
import { now } from './trial.mjs';

/** Runs `op(ctx)` `times` times, profiling only `op`; `setup`/`teardown` run unprofiled around each. */
export async function profileOp({ setup = async () => undefined, op, teardown = async () => undefined, times }) {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 50 });
  const profiles = [];
  let wall = 0;
  try {
    for (let i = 0; i < times; i++) {
      const ctx = await setup();
      try {
        await session.post('Profiler.start');
        const t0 = now();
        await op(ctx);
        wall += now() - t0;
        profiles.push((await session.post('Profiler.stop')).profile);
      } finally {
        await teardown(ctx);
      }
    }
  } finally {
    await session.post('Profiler.disable');
    session.disconnect();
  }
  return { wall, ...aggregate(profiles) };
}

const keyOf = (f) => `${f.functionName || '(anonymous)'} (${f.url ? `${shortUrl(f.url)}:${f.lineNumber + 1}` : 'native'})`;
const shortUrl = (url) => {
  const m = /packages\/([^/]+)\/dist\/(.+)$/.exec(url);
  return m ? `@pg/${m[1]} ${m[2]}` : basename(url);
};

/** Self time per function, and inclusive time per function of pg's packages, in ms. */
function aggregate(profiles) {
  const self = new Map();
  const inclusive = new Map();
  let total = 0;
  for (const profile of profiles) {
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    profile.samples.forEach((id, i) => {
      const dt = (profile.timeDeltas[i] ?? 0) / 1000;
      const node = byId.get(id);
      const key = keyOf(node.callFrame);
      // The inspector's own `dispatch` (Profiler.start/stop round trips) is not the operation.
      if (key === 'dispatch (native)') return;
      total += dt;
      self.set(key, (self.get(key) ?? 0) + dt);
      const seen = new Set();
      for (let at = id; at !== undefined; at = parent.get(at)) {
        const f = byId.get(at).callFrame;
        if (!f.url.includes('/packages/')) continue;
        const k = keyOf(f);
        if (seen.has(k)) continue;
        seen.add(k);
        inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
      }
    });
  }
  const top = (map, n) => [...map].sort((a, b) => b[1] - a[1]).slice(0, n);
  const idle = (self.get('(idle) (native)') ?? 0) + (self.get('(program) (native)') ?? 0);
  return { total, idle, self: top(self, 8), inclusive: top(inclusive, 8) };
}

/** One line per finding, for BENCHMARKS.md. */
export function describeProfile(title, p, runs) {
  const pct = (x) => `${((100 * x) / p.total).toFixed(0)}%`;
  const list = (rows) => rows.map(([k, v]) => `\`${k}\` ${v.toFixed(1)} ms (${pct(v)})`).join('; ');
  return `**Profile: ${title}** (V8 sampling profiler in the bench's process, ${runs} runs, ${p.wall.toFixed(0)} ms wall, ${p.total.toFixed(0)} ms sampled). Idle/waiting (kernel, child processes, timers): ${pct(p.idle)}. Top self time: ${list(p.self.filter(([k]) => !k.startsWith('(idle)')).slice(0, 6))}. pg functions by inclusive time: ${list(p.inclusive.slice(0, 6)) || 'none sampled'}.`;
}

/** Profiles the operation of each cgroup target that was not met. Returns notes (markdown). */
export async function profileMisses(targets, log) {
  const notes = [];
  const missed = (prefix) => targets.some((t) => t.target.startsWith(prefix) && t.verdict.startsWith('not met'));
  if (missed('spawn')) {
    log('profiling spawnGroup → empty (cgroup)');
    const p = await profileOp({
      times: 100,
      op: async () => {
        const g = await spawnGroup('/bin/true', [], { backend: 'cgroup', stdio: 'ignore' });
        await g.empty;
      },
    });
    notes.push(describeProfile('spawnGroup(/bin/true) → empty on cgroup', p, 100));
  }
  if (missed('kill')) {
    log('profiling kill() of a tree of 100 (cgroup)');
    const p = await profileOp({
      times: 5,
      setup: async () => {
        const token = newToken();
        const group = await spawnGroup(TREE, ['100', token], { backend: 'cgroup', stdio: 'ignore' });
        await waitForTree('tree', 100, token);
        return { token, group };
      },
      op: (ctx) => ctx.group.kill(),
      teardown: async (ctx) => {
        await reap(ctx.token);
        await ctx.group[Symbol.asyncDispose]();
      },
    });
    notes.push(describeProfile('kill() of a tree of 100 on cgroup', p, 5));
  }
  if (missed('members')) {
    log('profiling members() of a tree of 1000 (cgroup)');
    const token = newToken();
    const group = await spawnGroup(TREE, ['1000', token], { backend: 'cgroup', stdio: 'ignore' });
    try {
      await waitForTree('tree', 1000, token);
      await sleep(50);
      const p = await profileOp({ times: 20, op: () => group.members() });
      notes.push(describeProfile('members() of a group of 1000 on cgroup', p, 20));
    } finally {
      await reap(token);
      await group[Symbol.asyncDispose]();
    }
  }
  return notes;
}
