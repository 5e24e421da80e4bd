import { pidfdIdLookup } from '@pg/pidfd';
import { identityOf, isAlive, type ProcessIdentity } from '@pg/procfs';

let own: ProcessIdentity | undefined;

/**
 * This process as the owner of the groups it creates: its pid plus its pidfd id, or its start
 * time where pidfds cannot give an id (`@pg/procfs` identities). The one owner identity of every
 * backend: a cgroup directory's name, pg-helper's `--owner`, the posix leader's `PG_GROUP_OWNER`.
 * Read once per process (a forked child gets its own). Linux only.
 */
export function ownIdentity(): ProcessIdentity {
  if (own?.pid !== process.pid) {
    const identity = identityOf(process.pid, pidfdIdLookup);
    if (identity === undefined) throw new Error(`this process (pid ${process.pid}) is not in /proc: is /proc mounted?`);
    own = identity;
  }
  return own;
}

/** Whether the owner `identity` names still runs (the one check for every backend's `orphaned`). */
export function ownerAlive(identity: ProcessIdentity): boolean {
  return isAlive(identity, pidfdIdLookup);
}
