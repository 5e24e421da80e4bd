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
    if (p.zombie || !isHelperName(p.comm)) continue;
    const cmdline = cmdlineOf(p.pid);
    if (cmdline === undefined) continue;
    // A leader between its helper's fork and its exec still looks like the helper (same argv):
    // skip it. A per-group helper is itself the child of a helper, the spawner, whose argv differs.
    if (isHelperName(commOf.get(p.ppid)) && cmdlineOf(p.ppid) === cmdline) continue;
    const parsed = parseHelperCmdline(cmdline);
    if (parsed === undefined) continue;
    found.push({ pid: p.pid, startTime: p.startTime, owner: parsed.owner, name: parsed.name, subreaper: parsed.subreaper, cgroupDir: parsed.cgroupDir });
  }
  return found;
}

function cmdlineOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') return undefined; // exited meanwhile
    throw error;
  }
}
