import { readFileSync } from 'node:fs';
import { parseHelperCmdline } from '@pg/helper';
import { processTable, type ProcessIdentity } from '@pg/procfs';

/** A running pg-helper as its command line describes it. */
export interface FoundHelper {
  readonly pid: number;
  readonly startTime: string;
  /** The creating process (`@pg/procfs` identity). */
  readonly owner: ProcessIdentity;
  readonly name: string | undefined;
  readonly subreaper: boolean;
  readonly cgroupDir: string | undefined;
}

/**
 * Every live pg-helper on this host (the ones this user may see). A helper keeps its owner and
 * the group's name in its argv (`--owner PID:START --name NAME`), readable by anyone in
 * `/proc/PID/cmdline`; the short name in `/proc/PID/stat` narrows the search first, so only
 * helpers' command lines are read.
 */
export async function findHelpers(): Promise<FoundHelper[]> {
  const found: FoundHelper[] = [];
  const table = await processTable();
  const isHelperName = (comm: string | undefined) => comm?.startsWith('pg-helper') === true;
  const commOf = new Map(table.map((p) => [p.pid, p.comm]));
  for (const p of table) {
    // A leader between the helper's fork and its exec still looks like a helper: skip children of helpers.
    if (p.zombie || !isHelperName(p.comm) || isHelperName(commOf.get(p.ppid))) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${p.pid}/cmdline`, 'latin1');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ESRCH') continue; // exited meanwhile
      throw error;
    }
    const parsed = parseHelperCmdline(cmdline);
    if (parsed === undefined) continue;
    found.push({ pid: p.pid, startTime: p.startTime, owner: parsed.owner, name: parsed.name, subreaper: parsed.subreaper, cgroupDir: parsed.cgroupDir });
  }
  return found;
}
