import type { ChildProcess } from 'node:child_process';
import { SpawnError } from '../errors/index.js';
import { holdOutput } from './output-hold.js';

/**
 * Runs a synchronous `child_process.spawn` and waits for its outcome: `spawn` (the program was
 * exec'd; libuv reports it only after exec succeeded) or `error` (fork or exec failed; the child
 * never ran). The error becomes a `SpawnError` carrying the system code. The child's output is
 * held until core hands the group over (`output-hold.ts`): nothing it wrote is lost meanwhile.
 */
export function spawnChild(start: () => ChildProcess): Promise<ChildProcess> {
  let child: ChildProcess;
  try {
    child = start();
  } catch (error) {
    return Promise.reject(new SpawnError(`could not start the leader: ${(error as Error).message}`, { cause: error }));
  }
  holdOutput(child);
  return new Promise((resolve, reject) => {
    const onSpawn = () => {
      child.off('error', onError);
      resolve(child);
    };
    const onError = (error: Error) => {
      child.off('spawn', onSpawn);
      reject(new SpawnError(`could not start the leader: ${error.message}`, { cause: error }));
    };
    child.once('spawn', onSpawn);
    child.once('error', onError);
  });
}
