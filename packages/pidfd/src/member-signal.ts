import { PidfdError } from './errors.js';
import { pidfdOpen, type Pidfd } from './pidfd.js';

/** What `signalIfMember` did: sent; skipped (gone, not a member, already signalled); no pidfds here; or the EPERM error. */
export type MemberSignalResult = 'sent' | 'skip' | 'no-pidfd' | PidfdError;

/**
 * Signals `pid` only if it is still a member, without ever hitting a recycled pid: the pid is
 * opened as a pidfd first, membership is checked *after* that (`isMember` is asked about the
 * process the pidfd holds), and the signal goes through the pidfd. `signalled` holds the
 * identities already signalled (the pidfd id, else pid plus `startTimeOf(pid)`): a member in it
 * is skipped, one signalled now is added. The pidfd is closed on every path.
 *
 * @returns `'no-pidfd'` where pidfds cannot be used (no koffi, kernel < 5.3): the caller decides
 * what else to do; an EPERM `PidfdError` when the member may not be signalled.
 */
export function signalIfMember(
  pid: number,
  signal: number,
  isMember: (pidfd: Pidfd) => boolean,
  signalled: Set<string>,
  startTimeOf: (pid: number) => string | undefined,
): MemberSignalResult {
  let pidfd: Pidfd;
  try {
    pidfd = pidfdOpen(pid);
  } catch (error) {
    if (PidfdError.isInstance(error) && error.code === 'ESRCH') return 'skip';
    if (PidfdError.isInstance(error) && (error.code === 'EFFI' || error.code === 'ENOSYS' || error.code === 'EUNSUPPORTED')) return 'no-pidfd';
    throw error;
  }
  try {
    if (!isMember(pidfd)) return 'skip';
    const key = identityOf(pidfd, startTimeOf);
    if (signalled.has(key)) return 'skip';
    try {
      pidfd.sendSignal(signal);
    } catch (error) {
      if (PidfdError.isInstance(error) && error.code === 'ESRCH') return 'skip';
      if (PidfdError.isInstance(error) && error.code === 'EPERM') return error;
      throw error;
    }
    signalled.add(key);
    return 'sent';
  } finally {
    pidfd.close();
  }
}

/** A process's identity for "already signalled": its pidfd id, else pid plus start time. */
function identityOf(pidfd: Pidfd, startTimeOf: (pid: number) => string | undefined): string {
  try {
    return `i${pidfd.id()}`;
  } catch (error) {
    if (!PidfdError.isInstance(error)) throw error;
    return `${pidfd.pid}@${startTimeOf(pidfd.pid) ?? '?'}`;
  }
}
