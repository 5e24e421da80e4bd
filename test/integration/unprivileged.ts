// What the tests that run code as uid 65534 share: the switch to that user, a cgroup subtree
// delegated to it, and a checkout it can read. CI clones into a directory of its own choosing (mktemp makes it mode 700), so when some ancestor of this
// checkout is closed to others, the tests use a hard-linked copy in a world-readable place
// (`cp -al`: no data copied, a fraction of a second) and remove it afterwards.
import { execFileSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cgroup, findCgroup2Mount } from '@pg/cgroup';

export const checkout = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

/** Whether every directory from / down to `path` lets others search it (mode o+x). */
function openToOthers(path: string): boolean {
  for (let dir = path; ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) return false;
    if (dir === dirname(dir)) return true;
  }
}

/** A checkout uid 65534 can read, and how to clean it up. */
export function readableCheckout(): { path: string; cleanup(): void } {
  if (openToOthers(checkout)) return { path: checkout, cleanup: () => undefined };
  const parent = mkdtempSync(join(tmpdir(), 'pg-readable-checkout-'));
  chmodSync(parent, 0o755);
  const path = join(parent, 'repo');
  try {
    execFileSync('/bin/cp', ['-al', checkout, path], { stdio: 'pipe' });
  } catch {
    rmSync(path, { recursive: true, force: true });
    execFileSync('/bin/cp', ['-a', checkout, path], { stdio: 'pipe' }); // another filesystem: a real copy
  }
  chmodSync(path, 0o755);
  return { path, cleanup: () => rmSync(parent, { recursive: true, force: true }) };
}

/** The unprivileged user the tests run as, and the command that switches to it. */
export const NOBODY = 65534;
export const SETPRIV = '/usr/bin/setpriv';
export const AS_NOBODY = [SETPRIV, `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'];

/**
 * A cgroup delegated to uid 65534 the way systemd delegates one: the directory and its
 * `cgroup.procs`, `cgroup.threads` and `cgroup.subtree_control` chowned to the user.
 */
export function delegateSubtree(name: string): Cgroup {
  const dir = posix.join(findCgroup2Mount().mountPoint, name);
  mkdirSync(dir);
  for (const path of [dir, ...['cgroup.procs', 'cgroup.threads', 'cgroup.subtree_control'].map((f) => posix.join(dir, f))]) {
    chownSync(path, NOBODY, NOBODY);
  }
  return new Cgroup(dir);
}

/** Kills whatever is left in a delegated subtree (nothing, if the test worked) and removes it. */
export async function discardSubtree(group: Cgroup | undefined): Promise<void> {
  if (group === undefined || !group.exists()) return;
  group.kill();
  const empty = group.waitUntilEmpty();
  empty.kick();
  await empty;
  await group.remove();
}
