import { readdir, readFile } from 'node:fs/promises';
import { assertLinux, isGone } from './linux.js';
import { parseStatFile, type ProcStat } from './stat.js';

/** How many `/proc/PID/stat` files are read at once: one read per process at once would need as many fds as there are processes. */
const READ_BATCH = 64;

const isPidName = (name: string) => /^\d+$/.test(name);

/**
 * Every process on the system, from `/proc/PID/stat` (proc(5)). Linux only.
 *
 * `/proc` is not a snapshot: a process can fork and then exit between the directory listing and
 * the read of its `stat`, so one pass would miss the child. The listing is therefore repeated
 * until it shows no pid that was not read: any process forked before the last listing is in it,
 * and one forked after it has a parent whose `stat` was read alive. A process that exits between
 * the listing and its read is left out. Zombies are included (see `zombie`).
 * @throws Error `'EUNSUPPORTED'` off Linux (use `ps` there).
 */
export async function processTable(): Promise<ProcStat[]> {
  assertLinux();
  const seen = new Set<string>();
  const entries: ProcStat[] = [];
  for (;;) {
    const fresh = (await readdir('/proc')).filter((name) => isPidName(name) && !seen.has(name));
    if (fresh.length === 0) return entries;
    for (const name of fresh) seen.add(name);
    for (let i = 0; i < fresh.length; i += READ_BATCH) {
      const batch = fresh.slice(i, i + READ_BATCH);
      const read = await Promise.all(batch.map((name) => readOne(`/proc/${name}/stat`)));
      for (const entry of read) if (entry !== undefined) entries.push(entry);
    }
  }
}

async function readOne(file: string): Promise<ProcStat | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (isGone(error)) return undefined; // exited between the listing and the read
    throw error;
  }
  return parseStatFile(file, text);
}

