export { spawnGroup, openGroup, listGroups, type OpenGroupOptions } from './spawn-group.js';
export { probe, type BackendChoice } from './select.js';
export { ProcessGroup, DEFAULT_STOP_TIMEOUT_MS, type StopOptions } from './process-group.js';
export { Leader, type LeaderExit } from './leader.js';
export type { SpawnGroupOptions } from './options.js';
export { signalNumber, signalName, platformSignal, forwardedSignals, FORWARDED_SIGNAL_NAMES, JOB_CONTROL_SIGNALS, type SignalLike } from './signals.js';
export { BACKEND_NAMES } from './backend.js';
export type {
  Backend,
  BackendGroup,
  BackendName,
  Guarantees,
  Member,
  ProbeResult,
  GroupLimits,
  GroupStats,
  GroupInfo,
  SpawnRequest,
  LeaderHandle,
  OwnerExitPolicy,
} from './backend.js';
export {
  ProcessGroupError,
  SpawnError,
  BackendUnavailableError,
  GroupGoneError,
  PermissionError,
  InvalidOptionError,
  UnsupportedError,
  UnstoppableGroupError,
  RefusedGroupError,
  CgroupBackendError,
  ContractBackendError,
  SpawnerLostError,
} from './errors/index.js';
