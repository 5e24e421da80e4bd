import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/** Children a test started, killed by pid in afterEach. */
export const started = new Set<ChildProcess>();

export function start(file: string, args: string[]): ChildProcess & { pid: number } {
  const child = spawn(file, args, { stdio: 'ignore' });
  if (child.pid === undefined) throw new Error(`spawn ${file} failed`);
  started.add(child);
  child.on('exit', () => started.delete(child));
  return child as ChildProcess & { pid: number };
}

export async function killStarted(): Promise<void> {
  for (const child of [...started]) {
    if (child.exitCode === null && child.signalCode === null) {
      const exit = once(child, 'exit');
      child.kill('SIGKILL');
      await exit;
    }
  }
  started.clear();
}

export function exitOf(child: ChildProcess): Promise<[number | null, NodeJS.Signals | null]> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve([child.exitCode, child.signalCode]);
  return once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
}
