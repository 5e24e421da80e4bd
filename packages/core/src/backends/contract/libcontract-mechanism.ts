import { spawn as spawnProcess } from 'node:child_process';
import { isAbsolute } from 'node:path';
import type { Contracts } from '@pg/contract';
import type { BackendGroup, GroupInfo, SpawnRequest } from '../../backend.js';
import { GroupGoneError, InvalidOptionError } from '../../errors/index.js';
import { spawnChild } from '../spawn-child.js';
import { ContractGroup, HeldContractGroup } from './contract-group.js';
import { contractCall, contractCode, wrapContractError } from './errors.js';
import { LIBCONTRACT_GUARANTEES } from './guarantees.js';
import type { ContractMechanism } from './mechanism.js';
import { contractTerms, startInContract, type Started } from './spawn-in-contract.js';

/**
 * Contracts through libcontract (`@pg/contract` over koffi): this process holds every contract
 * it creates. `contracts` is the real `contracts()` or, in tests, one over the fake libcontract;
 * `spawn` is `child_process.spawn` (a test lets its fake kernel see the fork there).
 */
export function libcontractMechanism(contracts: Contracts, spawn: typeof spawnProcess = spawnProcess): ContractMechanism {
  return {
    name: 'libcontract',
    guarantees: LIBCONTRACT_GUARANTEES,
    spawn: (request) => spawnInContract(contracts, spawn, request),
    attach: async (ctid) => attachContract(contracts, ctid),
    list: async () => heldContracts(contracts),
  };
}

/**
 * Spawns the leader in a new contract held by this process (`startInContract` does the template
 * sequence). If the exec fails after the fork, the new contract is already empty: it is
 * abandoned so that it is destroyed, and the SpawnError is thrown.
 */
async function spawnInContract(contracts: Contracts, spawn: typeof spawnProcess, request: SpawnRequest): Promise<BackendGroup> {
  if (!isAbsolute(request.file)) throw new InvalidOptionError('file', request.file, 'an absolute path (one fork per PATH entry otherwise)');
  const terms = contractTerms(request.onOwnerExit);
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
  return new HeldContractGroup(contracts, ctid, child, { noorphan: request.onOwnerExit === 'kill' });
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
 * Attaches to contract `ctid`. One held by this process is watched through its events. An
 * inherited one is adopted (`ct_ctl_adopt`) when the kernel lets this process: its regent must
 * be this process's own contract, and for any other the ctl open itself is refused with EACCES
 * (`ctfs_ctl_access`), EINVAL (not inherited any more, another zone) and EBUSY (someone adopted
 * it first) coming from the adopt. Refused, or held elsewhere, or orphaned: it is watched by
 * status reads and never abandoned by this process.
 */
function attachContract(contracts: Contracts, ctid: number): BackendGroup {
  const status = contractCall(ctid, () => contracts.readStatus(ctid, 'common'));
  if (status.state === 'dead') throw new GroupGoneError(String(ctid));
  if (status.state === 'owned' && status.holder === process.pid) return new HeldContractGroup(contracts, ctid, undefined, { noorphan: false });
  if (status.state === 'inherited') {
    try {
      contracts.adopt(ctid);
      // Its terms are not ours to know without reading them: no atomic kill by abandon.
      return new HeldContractGroup(contracts, ctid, undefined, { noorphan: false });
    } catch (error) {
      const code = contractCode(error);
      if (code !== 'EACCES' && code !== 'EINVAL' && code !== 'EBUSY') throw wrapContractError(error, ctid);
    }
  }
  return new ContractGroup(contracts, ctid, undefined);
}

/**
 * The contracts this process holds, with their member counts. A contract carries no mark that
 * pg made it, and pg's `'kill'` contracts are NOORPHAN (the kernel kills their members when the
 * holder dies), so only held contracts are listed.
 */
function heldContracts(contracts: Contracts): GroupInfo[] {
  const groups: GroupInfo[] = [];
  for (const ctid of contractCall('process', () => contracts.contractIds())) {
    let status;
    try {
      status = contracts.readStatus(ctid, 'all');
    } catch (error) {
      if (contractCode(error) === 'ENOENT') continue; // destroyed since the directory was read
      throw wrapContractError(error, ctid);
    }
    if (status.state !== 'owned' || status.holder !== process.pid) continue;
    groups.push({ backend: 'contract', id: String(ctid), name: undefined, ownerPid: process.pid, orphaned: false, memberCount: status.members?.length ?? 0 });
  }
  return groups;
}
