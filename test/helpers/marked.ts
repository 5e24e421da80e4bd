// Finding processes by a mark in their environment, as the leak guard does: a test gives a group
// a unique variable and afterwards asks whether any live process still carries it, which needs
// no knowledge of the pids the tree forked (and cannot be fooled by a recycled pid).
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { readStat } from '@pg/procfs';

/** A fresh `NAME=VALUE` mark to put in a group's environment. */
export function freshMark(): { readonly name: string; readonly value: string } {
  return { name: 'PG_TEST_MARK', value: randomUUID() };
}

/** Pids of live (non-zombie) processes whose environment holds `name=value`. */
export function markedPids(mark: { readonly name: string; readonly value: string }): number[] {
  const entry = `${mark.name}=${mark.value}`;
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
    } catch {
      continue; // exited meanwhile, or not ours to read
    }
    if (!environ.split('\0').includes(entry)) continue;
    const stat = readStat(pid);
    if (stat !== undefined && !stat.zombie) found.push(pid);
  }
  return found;
}
