import { spawn, type ChildProcess } from 'node:child_process';
import { isAbsolute } from 'node:path';
import type { GroupInfo, SpawnRequest } from '../../backend.js';
import { GroupGoneError, InvalidOptionError } from '../../errors/index.js';
import { spawnChild } from '../spawn-child.js';
import type { ContractBinding } from './binding.js';
import { ContractGroup } from './contract-group.js';
import { contractCode, wrapContractError } from './errors.js';
import { startInContract, type Started } from './spawn-in-contract.js';

/**
 * Spawns the leader in a new contract held by this process (`startInContract` does the
 * template sequence). If the exec fails after the fork, the new contract is already empty: it is
 * abandoned so that it is destroyed, and the SpawnError is thrown.
 */
export async function spawnWithBinding(binding: ContractBinding, request: SpawnRequest): Promise<ContractGroup> {
  if (!isAbsolute(request.file)) throw new InvalidOptionError('file', request.file, 'an absolute path (one fork per PATH entry otherwise)');
  let started: Started | undefined;
  let child: ChildProcess;
  try {
    child = await spawnChild(() => {
      started = startInContract(binding, () =>
        spawn(request.file, [...request.args], { cwd: request.cwd, env: request.env, stdio: request.stdio }),
      );
      return started.child;
    });
  } catch (error) {
    const ctid = (started as Started | undefined)?.ctid;
    if (ctid !== undefined) abandonAfterFailure(binding, ctid);
    throw error;
  }
  const ctid = (started as Started | undefined)?.ctid;
  if (ctid === undefined) throw new GroupGoneError('new', 'the leader started but no contract was created for it');
  return new ContractGroup(binding, ctid, child, true);
}

function abandonAfterFailure(binding: ContractBinding, ctid: number): void {
  try {
    binding.abandon(ctid);
  } catch (error) {
    // The spawn error is what the caller must see; a contract that is already gone (ENOENT) or
    // cannot be abandoned is reported by neither. Anything that is not a contract error is a bug.
    if (contractCode(error) === undefined) throw error;
  }
}

/**
 * Attaches to contract `ctid`. One held by this process is watched through its events; an
 * inherited one whose regent is this process's contract is adopted (`ct_ctl_adopt`); any other
 * (held elsewhere, orphaned) is watched by status reads and never abandoned by this process.
 */
export function attachWithBinding(binding: ContractBinding, ctid: number): ContractGroup {
  let status;
  try {
    status = binding.openStatus(ctid);
  } catch (error) {
    throw wrapContractError(error, ctid);
  }
  let state: string;
  let holder: number;
  try {
    state = status.state;
    holder = status.holder;
  } finally {
    status.free();
  }
  if (state === 'dead') throw new GroupGoneError(String(ctid));
  let held = state === 'owned' && holder === process.pid;
  if (state === 'inherited') {
    try {
      binding.adopt(ctid);
      held = true;
    } catch (error) {
      // EINVAL: its regent is not our contract; it stays someone else's to adopt.
      if (contractCode(error) !== 'EINVAL') throw wrapContractError(error, ctid);
    }
  }
  return new ContractGroup(binding, ctid, undefined, held);
}

/**
 * The contracts this process holds, with their member counts. A contract carries no mark that
 * pg made it, and pg's contracts are NOORPHAN (the kernel kills their members when the holder
 * dies), so there are no orphaned pg contracts to find: only held ones are listed.
 */
export async function listWithBinding(binding: ContractBinding): Promise<GroupInfo[]> {
  const groups: GroupInfo[] = [];
  for (const ctid of await binding.contractIds()) {
    let status;
    try {
      status = binding.openStatus(ctid);
    } catch (error) {
      if (contractCode(error) === 'ENOENT') continue; // destroyed since the directory was read
      throw wrapContractError(error, ctid);
    }
    try {
      if (status.state !== 'owned' || status.holder !== process.pid) continue;
      groups.push({ backend: 'contract', id: String(ctid), name: undefined, ownerPid: process.pid, orphaned: false, memberCount: status.members().length });
    } finally {
      status.free();
    }
  }
  return groups;
}
