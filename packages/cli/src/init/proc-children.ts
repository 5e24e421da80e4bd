import { readdirSync, readFileSync } from 'node:fs';

/**
 * The pids of this process's children. `/proc/self/task/TID/children` (Linux 3.5,
 * CONFIG_PROC_CHILDREN) lists each thread's children; an orphan reparented to a subreaper
 * becomes the child of one of its threads, so all are read. Without that file, every
 * `/proc/PID/stat` is scanned for our pid as parent.
 */
export function childPids(): number[] {
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return [];
  }
  const pids = new Set<number>();
  for (const tid of tasks) {
    let text: string;
    try {
      text = readFileSync(`/proc/self/task/${tid}/children`, 'latin1');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && tid === String(process.pid)) return scanForChildren();
      continue; // the thread ended meanwhile
    }
    for (const word of text.split(' ')) if (/^\d+$/.test(word)) pids.add(Number(word));
  }
  return [...pids];
}

function scanForChildren(): number[] {
  const me = process.pid;
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .filter((n) => statFields(Number(n))?.ppid === me)
    .map(Number);
}

/** State and parent from `/proc/PID/stat` (proc(5)); fields counted after the last `)`, since comm may hold any byte. */
export function statFields(pid: number): { state: string; ppid: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return fields[0] === undefined ? undefined : { state: fields[0], ppid: Number(fields[1]) };
}
