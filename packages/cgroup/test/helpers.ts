import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { once } from 'node:events';
import { pidfdIdLookup } from '@pg/pidfd';
import { identityOf } from '@pg/procfs';
import { Cgroup, createGroup, findGroupBase, preExecArgs, removeBaseIfEmpty, type GroupBase, type Owner } from '../src/index.js';

/** This test process as a group's owner. */
export const me = (): Owner => identityOf(process.pid, pidfdIdLookup) as Owner;

/** The base this test process may use (root here: below its own cgroup). */
export function testBase(): GroupBase {
  const found = findGroupBase();
  if (!found.ok) throw new Error(`no writable cgroup base: ${found.reason}`);
  return found.base;
}

const groups = new Set<Cgroup>();
const children = new Set<ChildProcess>();

/** A fresh group, removed (killed first) in cleanup(). */
export function freshGroup(name = 'test'): Cgroup {
  const group = createGroup(testBase(), name, me());
  groups.add(group);
  return group;
}

/** Spawn `file args` placed in `group` with the pre-exec step. Resolves once it is a member. */
export async function spawnIn(group: Cgroup, file: string, args: string[], stdio: StdioOptions = 'ignore'): Promise<ChildProcess & { pid: number }> {
  const argv = preExecArgs(group, file, args);
  const child = spawn(argv.file, argv.args, { stdio });
  children.add(child);
  await once(child, 'spawn');
  const deadline = Date.now() + 10_000;
  while (!group.procs().includes(child.pid as number)) {
    if (Date.now() > deadline) throw new Error('child never joined its cgroup');
    await new Promise((r) => setTimeout(r, 1));
  }
  return child as ChildProcess & { pid: number };
}

/** Kill every group a test made (cgroup.kill), wait for it to empty, remove it and the base. */
export async function cleanup(): Promise<void> {
  for (const group of groups) {
    if (group.exists()) {
      group.thaw();
      group.kill();
      const empty = group.waitUntilEmpty();
      empty.kick();
      await empty;
      await group.remove();
    }
  }
  groups.clear();
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  children.clear();
  removeBaseIfEmpty(testBase());
}
