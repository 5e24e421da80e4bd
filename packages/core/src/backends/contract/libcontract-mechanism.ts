import { spawn as spawnProcess } from 'node:child_process';
import { isAbsolute } from 'node:path';
import { processFacts, type ContractStatus, type Contracts, type ProcessFacts } from '@pg/contract';
import type { BackendGroup, GroupInfo, SpawnRequest } from '../../backend.js';
import { GroupGoneError, InvalidOptionError } from '../../errors/index.js';
import { spawnChild } from '../spawn-child.js';
import { ContractGroup, HeldContractGroup } from './contract-group.js';
import { contractCall, contractCode, wrapContractError } from './errors.js';
import { LIBCONTRACT_GUARANTEES } from './guarantees.js';
import type { ContractMechanism } from './mechanism.js';
import { foreignReason, markOf, ownerAlive, parseMark, selfOwner } from './mark.js';
import { contractTerms, startInContract, type Started } from './spawn-in-contract.js';

/**
 * Contracts through libcontract (`@pg/contract` over koffi): this process holds every contract
 * it creates. `contracts` is the real `contracts()` or, in tests, one over the fake libcontract;
 * `spawn` is `child_process.spawn` (a test lets its fake kernel see the fork there); `facts`
 * reads member processes (psinfo, permission, clock), the fake kernel in tests.
 */
export function libcontractMechanism(contracts: Contracts, spawn: typeof spawnProcess = spawnProcess, facts: ProcessFacts = processFacts): ContractMechanism {
  return {
    name: 'libcontract',
    guarantees: LIBCONTRACT_GUARANTEES,
    spawn: (request) => spawnInContract(contracts, spawn, facts, request),
    attach: async (ctid) => attachContract(contracts, facts, ctid),
    list: async () => markedContracts(contracts, facts),
  };
}

/**
 * Spawns the leader in a new contract held by this process (`startInContract` does the template
 * sequence). If the exec fails after the fork, the new contract is already empty: it is
 * abandoned so that it is destroyed, and the SpawnError is thrown.
 */
async function spawnInContract(contracts: Contracts, spawn: typeof spawnProcess, facts: ProcessFacts, request: SpawnRequest): Promise<BackendGroup> {
  if (!isAbsolute(request.file)) throw new InvalidOptionError('file', request.file, 'an absolute path (core resolves the command against PATH)');
  const terms = contractTerms(request.onOwnerExit, markOf(selfOwner(facts)));
  let started: Started | undefined;
  let child;
  try {
    child = await spawnChild(() => {
      started = startInContract(contracts, terms, () => spawn(request.file, [...request.args], { cwd: request.cwd, env: request.env, stdio: request.stdio }));
      return started.child;
    });
  } catch (error) {
    const ctid = (started as Started | undefined)?.ctid;
    if (ctid !== undefined) abandonAfterFailure(contracts, ctid);
    throw error;
  }
  const ctid = (started as Started | undefined)?.ctid;
  if (ctid === undefined) throw new GroupGoneError('new', 'the leader started but no contract was created for it');
  return new HeldContractGroup(contracts, ctid, child, { noorphan: request.onOwnerExit === 'kill', facts });
}

function abandonAfterFailure(contracts: Contracts, ctid: number): void {
  try {
    contracts.abandon(ctid);
  } catch (error) {
    // The spawn error is what the caller must see; a contract that is already gone (ENOENT) or
    // cannot be abandoned is reported by neither. Anything that is not a contract error is a bug.
    if (contractCode(error) === undefined) throw error;
  }
}

/**
 * Attaches to contract `ctid`. One without pg's mark is `foreign` (core refuses it unless
 * `force`) and is only ever watched: this process never adopts or abandons it. One held by this
 * process is watched through its events. An inherited one carrying the mark is adopted
 * (`ct_ctl_adopt`) when the kernel lets this process: its regent must be this process's own
 * contract, and for any other the ctl open itself is refused with EACCES (`ctfs_ctl_access`),
 * EINVAL (not inherited any more, another zone) and EBUSY (someone adopted it first) coming from
 * the adopt. Refused, or held elsewhere, or orphaned: it is watched by status reads.
 */
function attachContract(contracts: Contracts, facts: ProcessFacts, ctid: number): BackendGroup {
  const status = contractCall(ctid, () => contracts.readStatus(ctid, 'all'));
  if (status.state === 'dead') throw new GroupGoneError(String(ctid));
  const foreign = foreignReason(ctid, status);
  if (foreign !== undefined) return new ContractGroup(contracts, ctid, undefined, { facts, foreign });
  if (status.state === 'owned' && status.holder === process.pid) return new HeldContractGroup(contracts, ctid, undefined, { noorphan: false, facts });
  if (status.state === 'inherited') {
    try {
      contracts.adopt(ctid);
      // Its terms are not ours to know without reading them: no atomic kill by abandon.
      return new HeldContractGroup(contracts, ctid, undefined, { noorphan: false, facts });
    } catch (error) {
      const code = contractCode(error);
      if (code !== 'EACCES' && code !== 'EINVAL' && code !== 'EBUSY') throw wrapContractError(error, ctid);
    }
  }
  return new ContractGroup(contracts, ctid, undefined, { facts });
}

/**
 * The contracts carrying pg's mark, with their member counts: those this process holds, those
 * another live pg process holds, and orphaned ones (a `'keep'` group whose owner exited: the
 * kernel orphans it, or its marked owner is gone).
 */
function markedContracts(contracts: Contracts, facts: ProcessFacts): GroupInfo[] {
  const groups: GroupInfo[] = [];
  for (const ctid of contractCall('process', () => contracts.contractIds())) {
    let status: ContractStatus;
    try {
      status = contracts.readStatus(ctid, 'all');
    } catch (error) {
      if (contractCode(error) === 'ENOENT') continue; // destroyed since the directory was read
      throw wrapContractError(error, ctid);
    }
    const owner = parseMark(status.aux);
    if (owner === undefined || status.state === 'dead') continue;
    const held = status.state === 'owned';
    const orphaned = !held || (status.holder === owner.pid && !ownerAlive(facts, owner));
    groups.push({ backend: 'contract', id: String(ctid), name: undefined, ownerPid: held ? status.holder : owner.pid, orphaned, memberCount: status.members?.length ?? 0 });
  }
  return groups;
}
