// One way to start a command per method the bench compares. Each returns a handle with the
// leader's pid and a `dispose()` that removes what the method created (a cgroup directory, a
// pg group); processes are reaped separately, by token (tree.mjs).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { spawnGroup } from '@pg/core';
import { RawCgroup } from './cgroup-raw.mjs';

/** Resolves when a ChildProcess has spawned (exec succeeded), rejects on its 'error'. */
async function spawned(child) {
  await once(child, 'spawn');
  return child;
}

/** A pg group on `backend`. */
export async function startPg(backend, file, args) {
  const group = await spawnGroup(file, args, { backend, stdio: 'ignore' });
  return {
    group,
    leaderPid: group.leader.pid,
    dispose: () => group[Symbol.asyncDispose](),
  };
}

/** A raw cgroup with the command placed by a /bin/sh pre-exec step. */
export async function startRawCgroup(file, args) {
  const cg = new RawCgroup();
  try {
    const child = await spawned(cg.spawn(file, args, { stdio: 'ignore' }));
    return {
      cg,
      child,
      leaderPid: child.pid,
      async dispose() {
        if (!existsSync(cg.dir)) return;
        if (cg.populated()) {
          cg.kill();
          await cg.whenEmpty();
        }
        await cg.remove();
      },
    };
  } catch (error) {
    await cg.remove();
    throw error;
  }
}

/** `child_process.spawn` with `detached: true`: the leader heads a new session and process group. */
export async function startDetached(file, args) {
  const child = await spawned(spawn(file, args, { stdio: 'ignore', detached: true }));
  return { child, leaderPid: child.pid, dispose: async () => {} };
}

/** Plain `child_process.spawn`, in the bench's own session (what tree-kill users usually have). */
export async function startPlain(file, args) {
  const child = await spawned(spawn(file, args, { stdio: 'ignore' }));
  return { child, leaderPid: child.pid, dispose: async () => {} };
}

/** execa 9 with its defaults (not detached), output ignored, never rejecting. */
export async function startExeca(file, args) {
  const subprocess = execa(file, args, { stdio: 'ignore', reject: false });
  await once(subprocess, 'spawn');
  return { subprocess, leaderPid: subprocess.pid, dispose: async () => void (await subprocess) };
}
