import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where job groups are announced so that other processes of the same user (`pg ps`, `pg kill`,
 * `pg ls`) can find them: Windows cannot list named job objects through a documented call, so
 * the owner writes one small file per group (`<tmp>\pg-jobs\<id>.json`, the user's own temp
 * directory) and removes it when the group closes. A file is only a hint: `list()` opens the
 * job by name, and a job that no process holds any more is gone, whatever files remain.
 */
const DIR = join(tmpdir(), 'pg-jobs');

/** What the owner writes about a group. */
export interface Announcement {
  readonly id: string;
  readonly name: string | undefined;
  readonly ownerPid: number;
}

export function announce(group: Announcement): void {
  mkdirSync(DIR, { recursive: true });
  writeFileSync(join(DIR, `${group.id}.json`), JSON.stringify(group));
}

export function withdraw(id: string): void {
  rmSync(join(DIR, `${id}.json`), { force: true });
}

/** Every announcement found, unreadable or half-written files skipped. */
export function announcements(): Announcement[] {
  let files: string[];
  try {
    files = readdirSync(DIR);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const found: Announcement[] = [];
  for (const file of files) {
    if (!/^pg-job-\d+-\d+\.json$/.test(file)) continue;
    let text: string;
    try {
      text = readFileSync(join(DIR, file), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // withdrawn meanwhile
      throw error;
    }
    try {
      found.push(JSON.parse(text) as Announcement);
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error; // being written now: seen next time
    }
  }
  return found;
}
