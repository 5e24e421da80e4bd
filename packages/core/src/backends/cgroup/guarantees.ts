import type { Guarantees } from '../../backend.js';

const common = [
  'Signals other than SIGKILL have no kernel primitive: the group is frozen and each member is signalled through a pidfd until a pass finds none new.',
  'Limits need the pids/memory controller offered to the parent cgroup; on hybrid v1/v2 hosts they may be bound to v1.',
] as const;

const unprivileged =
  'Unprivileged use needs a delegated cgroup subtree (systemd user@UID.service, or one chowned by root), or a systemd user manager to start the pg-helper spawner in a delegated unit; a login session scope is not delegated.';

const ownBase = 'Groups live below the cgroup of the process that creates them (or PG_CGROUP_PARENT): listGroups() finds those of that base only.';

const spawned =
  "The leader is created by this process's pg-helper spawner, outside the group, so it is not a ChildProcess of this process: group.leader gives its pid, streams (pipes), exit and kill, but no IPC channel. If the spawner itself is SIGKILLed, its groups no longer die with their owner: each says so (spawnerLost), pg kills those spawned with onOwnerExit 'kill', and the next spawnGroup starts a new spawner.";

/** What the cgroup backend promises (DESIGN.md table, "cgroup (Linux)" column), with the pre-exec placement. */
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
    unprivileged,
    ...common,
    ownBase,
  ]),
});

/** With the pg-helper spawner placing leaders (clone3) and holding the lifeline: the group dies with its owner. */
export const cgroupGuaranteesWithHelper: Guarantees = Object.freeze({
  ...cgroupGuarantees,
  diesWithOwner: true,
  limits: Object.freeze([
    unprivileged,
    ...common,
    ownBase,
    spawned,
  ]),
});

/** With the spawner in a delegated unit of the user's systemd manager (an ordinary user whose own cgroup is not theirs). */
export const cgroupGuaranteesInUserManager: Guarantees = Object.freeze({
  ...cgroupGuaranteesWithHelper,
  limits: Object.freeze([
    "Groups live in a delegated unit of the user's systemd manager (app-pg.slice/pg-spawner-….service or .scope, one per owner, shown in group.id): listGroups() finds those of every such unit of this user. The unit costs one systemd-run (tens of ms) on an owner's first spawn.",
    "Leaders start with the spawner's resource limits, umask and supplementary groups (the user manager's), not this process's; cwd and environment are this process's.",
    ...common,
    spawned,
  ]),
});
