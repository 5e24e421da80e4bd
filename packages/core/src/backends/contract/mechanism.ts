import type { BackendGroup, GroupInfo, Guarantees, SpawnRequest } from '../../backend.js';

/**
 * One way of using process contracts: libcontract through koffi, or the commands illumos ships.
 * The probe chooses one, once (`contractBackend.probe`), and every operation goes through it:
 * one wrapper per mechanism, as process-wrap has one per kernel mechanism.
 */
export interface ContractMechanism {
  readonly name: 'libcontract' | 'commands';
  /** What this mechanism promises; `contractBackend.guarantees()` is this. */
  readonly guarantees: Guarantees;
  spawn(request: SpawnRequest): Promise<BackendGroup>;
  /** Contract `ctid`; GroupGoneError when there is no such process contract. */
  attach(ctid: number): Promise<BackendGroup>;
  list(): Promise<GroupInfo[]>;
}
