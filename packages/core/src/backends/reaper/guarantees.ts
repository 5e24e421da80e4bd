import type { Guarantees } from '../../backend.js';

/** What the reaper backend promises (DESIGN.md table, "reaper (Linux, helper)" column). */
export const reaperGuarantees: Guarantees = Object.freeze({
  memberBeforeFirstInstruction: true,
  daemonsStayMembers: true,
  atomicKill: true,
  signalReachesNewMembers: true,
  emptyEvent: true,
  neverSignalsRecycledPid: true,
  unprivileged: true,
  diesWithOwner: true,
  limits: Object.freeze([
    'Membership is ancestry: pg-helper is a child subreaper, so every orphan of the group (setsid daemons included) reparents to it and none can leave. A member can only leave by asking a process outside the group (a system service, ssh localhost, systemd-run) to start something.',
    'kill() stops every member (SIGSTOP) until a pass finds none new and none running, then SIGKILLs them: a stopped process cannot fork. A process in uninterruptible sleep stops (and dies) only when it leaves it.',
    'Empty is the helper exiting once it has no child left (a kernel fact, no timer); a group opened from another process learns it by watching the helper.',
    'If pg-helper itself is SIGKILLed, the group loses its lifeline and its empty event: members keep running, reparented to the next subreaper or init, and are no longer members.',
    'No resource limits and no group-wide statistics (memory, cpu): use the cgroup backend for those.',
  ]),
});
