// A vitest global setup that holds every test run to "kill what you start": it marks the run
// with a variable every process started by a test inherits, and at the end fails the run if a
// live process still carries the mark, after killing it by pid (never by name). A process that
// clears its environment escapes this net; the tests' own clean-up is still the first line.
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';

const VARIABLE = 'PG_TEST_RUN';

export function setup(): () => void {
  const run = randomUUID();
  process.env[VARIABLE] = run;
  return () => {
    const leaked = marked(`${VARIABLE}=${run}`);
    for (const p of leaked) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    if (leaked.length > 0) {
      // vitest reports a throwing teardown but keeps its exit status: set it too.
      process.exitCode = 1;
      throw new Error(`tests left ${leaked.length} process(es) running (now killed):\n${leaked.map((p) => `  ${p.pid} ${p.command}`).join('\n')}`);
    }
  };
}

function marked(entry: string): { pid: number; command: string }[] {
  if (process.platform !== 'linux') return [];
  const found: { pid: number; command: string }[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (state === 'Z') continue;
      // vitest's own workers are this process's children and may still be exiting: not a leak.
      // What a test starts is a child of a worker, or an orphan.
      if (Number(ppid) === process.pid) continue;
      if (!readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(entry)) continue;
      found.push({ pid, command: readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0').join(' ').trim() });
    } catch {
      // exited meanwhile, or not readable
    }
  }
  return found;
}
