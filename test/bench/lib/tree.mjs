// Building and tearing down the bench's process trees. Every tree carries a per-run random
// token in each argv (see test/fixtures/bench-*.sh); the token scan is the ground truth for
// "is anything of it still alive", and cleanup kills what it finds by pid (never by name),
// re-checking each pid's start time so a recycled pid is never signalled.
import { randomInt } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { findByToken, isAlive, statOf } from './proc.mjs';

export const fixture = (name) => fileURLToPath(new URL(`../../fixtures/${name}`, import.meta.url));
export const TREE = fixture('bench-tree.sh');
export const FORKING_TREE = fixture('bench-forking-tree.sh');

/** Tokens of trees not yet reaped, so an interrupted run still cleans up. */
const live = new Set();

/** A fresh 9-digit token (no leading zero, so `86400.TOKEN` and `0.2TOKEN` stay distinct numbers). */
export function newToken() {
  const token = String(randomInt(100_000_000, 1_000_000_000));
  live.add(token);
  return token;
}

/** How many long sleepers (`sleep 86400.TOKEN`) a tree of `n` has once fully forked. */
export function expectedSleepers(kind, n) {
  const e = Math.floor(n / 10);
  if (kind === 'tree') return n - 1;
  const f = Math.max(1, Math.floor(n / 10));
  return n - 1 - e - 2 * f + e;
}

/**
 * Waits until the tree `token` is fully forked: all its long sleepers exec'd, and (for the plain
 * tree) no transient process left (a `setsid -f` parent, a child not yet exec'd), so exactly `n`
 * processes carry the token. Returns the processes found.
 */
export async function waitForTree(kind, n, token, limitMs = 120_000) {
  const want = expectedSleepers(kind, n);
  const deadline = Date.now() + limitMs;
  for (;;) {
    // pg-helper carries the leader's command (so the token) in its argv, but is not a member.
    const found = findByToken(token).filter((p) => !p.comm.startsWith('pg-helper'));
    const sleepers = found.filter((p) => p.command === `sleep 86400.${token}`).length;
    if (sleepers === want && (kind !== 'tree' || found.length === n)) return found;
    if (Date.now() > deadline) throw new Error(`tree ${token} (n=${n}) not ready after ${limitMs} ms: ${sleepers}/${want} sleepers, ${found.length} processes`);
    await sleep(found.length < n / 2 ? 50 : 10);
  }
}

/** The escapers of a tree: processes that made themselves session leaders (other than its leader). */
export function escapers(found, leaderPid) {
  return found.filter((p) => p.pid !== leaderPid && statOf(p.pid)?.sid === p.pid);
}

/** How many of the tree's processes are alive now. */
export function survivors(token) {
  return findByToken(token).length;
}

/** Whether none of `procs` (recorded with their start times) is alive. */
export function allDead(procs) {
  return procs.every((p) => !isAlive(p.pid, p.startTime));
}

/**
 * SIGKILLs everything that carries `token`, by pid with its start time re-checked, until a scan
 * finds nothing (bounded: a forker stops forking once it is killed). Returns how many it killed.
 */
export async function reap(token) {
  let killed = 0;
  for (let pass = 0; pass < 200; pass++) {
    const found = findByToken(token);
    if (found.length === 0) {
      live.delete(token);
      return killed;
    }
    for (const p of found) {
      if (!isAlive(p.pid, p.startTime)) continue;
      try {
        process.kill(p.pid, 'SIGKILL');
        killed++;
      } catch (error) {
        if (error.code !== 'ESRCH') throw error;
      }
    }
    await sleep(10);
  }
  throw new Error(`could not reap tree ${token}: it kept processes alive through 200 passes`);
}

/** Reaps every tree this run started and did not reap yet. */
export async function reapAll() {
  for (const token of [...live]) await reap(token);
}

/**
 * Runs `main`, then reaps every tree it left; SIGINT or SIGTERM reaps them too before exiting 130,
 * so an interrupted run leaves no process behind. A failure of `main` sets exit code 1.
 */
export function runReaping(main, { onSignal } = {}) {
  let exiting = false;
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.on(signal, () => {
      if (exiting) return;
      exiting = true;
      onSignal?.(signal);
      reapAll().finally(() => process.exit(130));
    });
  }
  return main()
    .catch((error) => {
      console.error(error);
      process.exitCode = 1;
    })
    .finally(() => reapAll());
}
