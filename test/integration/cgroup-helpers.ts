// Shared by the cgroup-*.test.ts integration tests: start groups, find their directories, check
// that nothing of theirs survives. Real processes and cgroups only.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cgroupPathOf, findCgroup2Mount } from '@pg/cgroup';
import type { ProcessGroup } from '@pg/core';

export const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

/** The directory of a cgroup group id (a cgroup path). */
export function dirOf(id: string): string {
  const mount = findCgroup2Mount();
  return mount.root === '/' ? `${mount.mountPoint}${id}` : `${mount.mountPoint}${id.slice(mount.root.length)}`;
}

/** Whether `pid` is a live process (a zombie is not: it has exited and awaits reaping). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const state = stat.slice(stat.lastIndexOf(')') + 2)[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
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

/** Polls a kernel-observed condition with generous limits; never a timing assertion. */
export async function until(condition: () => boolean | Promise<boolean>, what: string, limitMs = 30_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, wait));
  }
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
