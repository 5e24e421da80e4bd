export { spawnGroup, openGroup, listGroups } from './spawn-group.js';
export { probe, type BackendChoice } from './select.js';
export { ProcessGroup, type StopOptions } from './process-group.js';
export { Leader, type LeaderExit } from './leader.js';
export type { SpawnGroupOptions } from './options.js';
export { signalNumber, signalName, type SignalLike } from './signals.js';
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
} from './backend.js';
export {
  ProcessGroupError,
  SpawnError,
  BackendUnavailableError,
  GroupGoneError,
  PermissionError,
  InvalidOptionError,
  UnsupportedError,
} from './errors/index.js';
