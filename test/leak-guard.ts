// A vitest global setup that holds every test run to "kill what you start": it marks the run
// with a variable every process started by a test inherits, and at the end fails the run if a
// live process still carries the mark, after killing it by pid (never by name). A process that
// clears its environment escapes this net; the tests' own clean-up is still the first line.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
// From the source, not '@pg/procfs': this setup also runs for packages that do not depend on
// @pg/procfs, so turbo does not build it before their tests.
import { commandLineOf, processTable } from '../packages/procfs/src/index.js';

const VARIABLE = 'PG_TEST_RUN';

export function setup(): () => Promise<void> {
  const run = randomUUID();
  process.env[VARIABLE] = run;
  return async () => {
    const leaked = await marked(`${VARIABLE}=${run}`);
    for (const p of leaked) {
      try {
        process.kill(p.pid, 'SIGKILL');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error; // ESRCH: already gone
      }
    }
    if (leaked.length > 0) {
      // vitest reports a throwing teardown but keeps its exit status: set it too.
      process.exitCode = 1;
      throw new Error(`tests left ${leaked.length} process(es) running (now killed):\n${leaked.map((p) => `  ${p.pid} ${p.command}`).join('\n')}`);
    }
  };
}

async function marked(entry: string): Promise<{ pid: number; command: string }[]> {
  if (process.platform !== 'linux') return [];
  const found: { pid: number; command: string }[] = [];
  for (const p of await processTable()) {
    // vitest's own workers are this process's children and may still be exiting: not a leak.
    // What a test starts is a child of a worker, or an orphan.
    if (p.pid === process.pid || p.zombie || p.ppid === process.pid) continue;
    let environ: string;
    try {
      environ = readFileSync(`/proc/${p.pid}/environ`, 'latin1');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ESRCH' || code === 'EACCES') continue; // exited meanwhile, or another user's
      throw error;
    }
    if (environ.split('\0').includes(entry)) found.push({ pid: p.pid, command: commandLineOf(p.pid) });
  }
  return found;
}
