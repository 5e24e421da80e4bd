// One measured trial on a fresh tree: start it with a method, wait until it is fully forked,
// measure, count survivors 100 ms later, then reap by token and dispose, whatever happened.
import { setTimeout as sleep } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { FORKING_TREE, TREE, newToken, reap, survivors, waitForTree } from './tree.mjs';

export const now = () => performance.now();

/** Rejects if `promise` has not settled within `ms` (a method that hangs must not hang the bench). */
export async function within(promise, ms, what) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `measure(handle, found)` on a fresh tree of `kind` ('tree' or 'forking') and size `n`
 * started by `start(file, args)`. `measure` resolves with `{ ms, ... }`; the trial adds
 * `survivors`: the tree's processes alive 100 ms after the method said it was done.
 */
export async function treeTrial({ kind, n, start, measure, limitMs = 120_000 }) {
  const token = newToken();
  let handle;
  try {
    handle = await start(kind === 'tree' ? TREE : FORKING_TREE, [String(n), token]);
    const found = await waitForTree(kind, n, token);
    const result = await within(measure(handle, found), limitMs, 'the measured operation');
    await sleep(100);
    return { ...result, survivors: survivors(token) };
  } finally {
    await reap(token);
    if (handle !== undefined) await within(handle.dispose(), 30_000, 'disposing the tree');
  }
}
