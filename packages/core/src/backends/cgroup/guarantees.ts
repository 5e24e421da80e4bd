import type { Guarantees } from '../../backend.js';

/** What the cgroup backend promises (DESIGN.md table, "cgroup (Linux)" column). */
export const cgroupGuarantees: Guarantees = Object.freeze({
  memberBeforeFirstInstruction: true,
  daemonsStayMembers: true,
  atomicKill: true,
  signalReachesNewMembers: true,
  emptyEvent: true,
  neverSignalsRecycledPid: true,
  unprivileged: true,
  diesWithOwner: false,
  limits: Object.freeze([
    'Groups do not die with their owner: pg-helper (which would kill them) is not built here, or cannot clone into a cgroup on this kernel (see probe()).',
    'Unprivileged use needs a delegated cgroup subtree (systemd user@UID.service, or one chowned by root); a login session scope is not delegated.',
    'Signals other than SIGKILL have no kernel primitive: the group is frozen and each member is signalled through a pidfd until a pass finds none new.',
    'Limits need the pids/memory controller offered to the parent cgroup; on hybrid v1/v2 hosts they may be bound to v1.',
    'Groups live below the cgroup of the process that creates them (or PG_CGROUP_PARENT): listGroups() finds those of that base only.',
  ]),
});

/** With pg-helper placing leaders (clone3) and holding the lifeline: the group dies with its owner. */
export const cgroupGuaranteesWithHelper: Guarantees = Object.freeze({
  ...cgroupGuarantees,
  diesWithOwner: true,
  limits: Object.freeze([
    ...cgroupGuarantees.limits,
    'leader.process is pg-helper, outside the group: it shares the command\'s stdio, forwards the signals it receives to it and ends with its status. If pg-helper itself is SIGKILLed, the group no longer dies with its owner.',
  ]),
});
