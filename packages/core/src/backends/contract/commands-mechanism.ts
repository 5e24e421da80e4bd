import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { ctrunArgs, ctstatContract, ctstatProcessContracts, TOOLS } from '@pg/contract';
import type { GroupInfo, SpawnRequest } from '../../backend.js';
import { GroupGoneError } from '../../errors/index.js';
import { spawnChild } from '../spawn-child.js';
import { CtrunGroup } from './ctrun-group.js';
import { wrapContractError } from './errors.js';
import { COMMANDS_GUARANTEES } from './guarantees.js';
import type { ContractMechanism } from './mechanism.js';
import { describeMembers } from './ps.js';

/** How long to look for ctrun's contract in `ctstat` before giving up (ctrun forks at once). */
const FIND_TIMEOUT_MS = 30_000;

/** Contracts through ctrun, ctstat, pgrep and pkill, where koffi cannot load. */
export const commandsMechanism: ContractMechanism = {
  name: 'commands',
  guarantees: COMMANDS_GUARANTEES,
  spawn: spawnWithCtrun,
  attach: attachWithCtstat,
  list: listWithCtstat,
};

/**
 * Starts `ctrun` around the command and finds its contract: the `ctstat` row whose holder is
 * ctrun. `onOwnerExit` is always `'keep'` here (ctrun outlives this process); `noorphan` is
 * still set, for ctrun's own death: it is how kill() is atomic.
 */
async function spawnWithCtrun(request: SpawnRequest): Promise<CtrunGroup> {
  const child = await spawnChild(() =>
    spawn(TOOLS.ctrun, ctrunArgs(request.file, request.args, { lifetime: 'contract', params: ['noorphan'] }), {
      cwd: request.cwd,
      env: request.env,
      stdio: request.stdio,
    }),
  );
  const pid = child.pid as number;
  const deadline = Date.now() + FIND_TIMEOUT_MS;
  for (let wait = 2; ; wait = Math.min(wait * 2, 100)) {
    let held;
    try {
      held = (await ctstatProcessContracts()).find((c) => c.state === 'owned' && c.holder === pid);
    } catch (error) {
      child.kill('SIGKILL');
      throw wrapContractError(error, `ctrun-${pid}`);
    }
    if (held !== undefined) return new CtrunGroup(held.ctid, child);
    // ctrun exits only after its contract is empty: the group has come and gone already.
    if (child.exitCode !== null || child.signalCode !== null) return new CtrunGroup(undefined, child, `ctrun-${pid}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new GroupGoneError(`ctrun-${pid}`, `ctrun (pid ${pid}) created no contract visible to ctstat within ${FIND_TIMEOUT_MS} ms; it was killed`);
    }
    await sleep(wait);
  }
}

/** Attaches to contract `ctid` through `ctstat`; GroupGoneError when there is no such process contract. */
async function attachWithCtstat(ctid: number): Promise<CtrunGroup> {
  let entry;
  try {
    entry = await ctstatContract(ctid);
  } catch (error) {
    throw wrapContractError(error, ctid);
  }
  if (entry === undefined || entry.state === 'dead') throw new GroupGoneError(String(ctid));
  return new CtrunGroup(ctid, undefined);
}

/** Contracts held by a `ctrun` this process started (the holder's parent is this process). */
async function listWithCtstat(): Promise<GroupInfo[]> {
  let contracts;
  try {
    contracts = await ctstatProcessContracts();
  } catch (error) {
    throw wrapContractError(error, 'process');
  }
  const owned = contracts.filter((c) => c.state === 'owned' && c.holder !== undefined);
  const holders = await describeMembers(owned.map((c) => c.holder as number));
  const mine = new Set(holders.filter((h) => h.ppid === process.pid && /(^|\/)ctrun(\s|$)/.test(h.command)).map((h) => h.pid));
  return owned
    .filter((c) => mine.has(c.holder as number))
    .map((c) => ({ backend: 'contract', id: String(c.ctid), name: undefined, ownerPid: process.pid, orphaned: false, memberCount: c.members?.length ?? 0 }));
}
