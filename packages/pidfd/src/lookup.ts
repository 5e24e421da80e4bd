import { PidfdError } from './errors.js';
import { ownPidfdId } from './own-id.js';
import { pidfdOpen } from './pidfd.js';

/**
 * The pidfd id of live process `pid` (a pidfd opened, its id read, closed): the lookup
 * `@pg/procfs`'s `identityOf` and `isAlive` take, so a process is named by its pidfd id where
 * pidfs exists. `'gone'` when there is no such process, `'unknown'` when pidfds or pidfd ids do
 * not work in this process (no koffi, a kernel before pidfs). Never throws a PidfdError.
 */
export function pidfdIdLookup(pid: number): bigint | 'gone' | 'unknown' {
  try {
    if (pid === process.pid) return ownPidfdId();
    using pidfd = pidfdOpen(pid);
    return pidfd.id();
  } catch (error) {
    if (!PidfdError.isInstance(error)) throw error;
    return error.code === 'ESRCH' ? 'gone' : 'unknown';
  }
}
