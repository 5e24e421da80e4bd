// Shared by the cgroup-*.test.ts integration tests: start groups, find their directories, check
// that nothing of theirs survives. Real processes and cgroups only.
import { readdirSync } from 'node:fs';
import { cgroupPathOf, findCgroup2Mount } from '@pg/cgroup';
import type { ProcessGroup } from '@pg/core';
import { alive, fixture, until } from '../helpers/proc.js';


/** The directory of a cgroup group id (a cgroup path). */
export function dirOf(id: string): string {
  const mount = findCgroup2Mount();
  return mount.root === '/' ? `${mount.mountPoint}${id}` : `${mount.mountPoint}${id.slice(mount.root.length)}`;
}


/** Every live process whose cgroup is `id` or below it, found by a full /proc scan (not cgroup.procs). */
export function livePidsIn(id: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    let path: string;
    try {
      path = cgroupPathOf(pid);
    } catch {
      continue; // exited during the scan
    }
    if ((path === id || path.startsWith(`${id}/`)) && alive(pid)) out.push(pid);
  }
  return out;
}


const groups: ProcessGroup[] = [];

/** Remember a group for `disposeAll` (afterEach). */
export function track(group: ProcessGroup): ProcessGroup {
  groups.push(group);
  return group;
}

/** Kill and remove every tracked group. */
export async function disposeAll(): Promise<void> {
  await Promise.all(groups.splice(0).map((g) => g[Symbol.asyncDispose]()));
}

export { alive, fixture, until };
