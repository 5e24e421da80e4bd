import { spawn as spawnProcess, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { ctrunArgs, CTRUN_EXIT, TOOLS, type CtstatEntry } from '@pg/contract';
import type { GroupInfo, SpawnRequest } from '../../backend.js';
import { GroupGoneError, SpawnError } from '../../errors/index.js';
import { spawnChild } from '../spawn-child.js';
import { commandTools, type CommandTools } from './command-tools.js';
import { CtrunGroup } from './ctrun-group.js';
import { wrapContractError } from './errors.js';
import { COMMANDS_GUARANTEES } from './guarantees.js';
import { foreignReason, markOf, ownerAlive, parseMark, selfOwner } from './mark.js';
import type { ContractMechanism } from './mechanism.js';

/** How long to look for ctrun's contract in `ctstat` before giving up (ctrun forks at once). */
const FIND_TIMEOUT_MS = 30_000;

/** ctrun's own failures before its child ran (`ctrun.c`: `uu_die` under `UU_PROFILE_LAUNCHER`). */
const CTRUN_FAILURES: Readonly<Record<number, string>> = Object.freeze({
  [CTRUN_EXIT.INTERNAL]: 'ctrun failed itself (124: it could not set up the contract or fork)',
  [CTRUN_EXIT.USAGE]: 'ctrun rejected its arguments (125)',
  [CTRUN_EXIT.EXEC_FAILED]: 'the command could not be executed (126)',
  [CTRUN_EXIT.NOT_FOUND]: 'the command was not found (127)',
});

/**
 * Contracts through ctrun, ctstat, pgrep and pkill, where koffi cannot load. `tools` and `spawn`
 * are the real commands and `child_process.spawn`, or a test's fakes.
 */
export function commandsMechanismWith(tools: CommandTools, spawn: typeof spawnProcess = spawnProcess): ContractMechanism {
  return {
    name: 'commands',
    guarantees: COMMANDS_GUARANTEES,
    spawn: (request) => spawnWithCtrun(tools, spawn, request),
    attach: (ctid) => attachWithCtstat(tools, ctid),
    list: () => listWithCtstat(tools),
  };
}

/** The command path over the commands illumos ships. */
export const commandsMechanism: ContractMechanism = commandsMechanismWith(commandTools);

/**
 * Starts `ctrun -A MARK` around the command and finds its contract: the row of `ctstat -t
 * process` (no `-v`: rows hold no other user's text) whose holder is ctrun. `onOwnerExit` is
 * always `'keep'` here (ctrun outlives this process); `noorphan` is still set, for ctrun's own
 * death: it is how kill() is atomic. If ctrun exits with one of its own failure codes before its
 * contract was seen, the command never ran: SpawnError.
 */
async function spawnWithCtrun(tools: CommandTools, spawn: typeof spawnProcess, request: SpawnRequest): Promise<CtrunGroup> {
  const aux = markOf(selfOwner(tools.facts));
  const child = await spawnChild(() =>
    spawn(TOOLS.ctrun, ctrunArgs(request.file, request.args, { lifetime: 'contract', params: ['noorphan'], aux }), {
      cwd: request.cwd,
      env: request.env,
      stdio: request.stdio,
    }),
  );
  const pid = child.pid as number;
  const deadline = Date.now() + FIND_TIMEOUT_MS;
  for (let wait = 2; ; wait = Math.min(wait * 2, 100)) {
    let held: CtstatEntry | undefined;
    try {
      held = (await tools.ctstatRows()).find((c) => c.state === 'owned' && c.holder === pid);
    } catch (error) {
      child.kill('SIGKILL');
      throw wrapContractError(error, `ctrun-${pid}`);
    }
    if (held !== undefined) return new CtrunGroup(held.ctid, child, tools);
    if (exited(child)) {
      const failure = child.exitCode === null ? undefined : CTRUN_FAILURES[child.exitCode];
      if (failure !== undefined) {
        throw new SpawnError(`could not start ${request.file} under ctrun: ${failure}, before its contract was seen (or the command itself exited so at once)`);
      }
      // ctrun exits only after its contract is empty: the group has come and gone already.
      return new CtrunGroup(undefined, child, tools, { id: `ctrun-${pid}` });
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new GroupGoneError(`ctrun-${pid}`, `ctrun (pid ${pid}) created no contract visible to ctstat within ${FIND_TIMEOUT_MS} ms; it was killed`);
    }
    await sleep(wait);
  }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/**
 * Attaches to contract `ctid` through `ctstat -v -i` (one contract: its first row is the real
 * one, whatever its free text says). Without pg's mark it is `foreign`. GroupGoneError when there
 * is no such process contract.
 */
async function attachWithCtstat(tools: CommandTools, ctid: number): Promise<CtrunGroup> {
  let entry;
  try {
    entry = await tools.ctstat(ctid);
  } catch (error) {
    throw wrapContractError(error, ctid);
  }
  if (entry === undefined || entry.state === 'dead') throw new GroupGoneError(String(ctid));
  const foreign = foreignReason(ctid, { aux: entry.aux, fmri: entry.details['service fmri'], creator: entry.details.creator });
  return new CtrunGroup(ctid, undefined, tools, { foreign });
}

/**
 * Contracts carrying pg's mark, each owned by the process its mark names (pid and start time),
 * and orphaned once that owner is gone: ctrun holds the contract and outlives it. The listing of every contract with `-v` carries other users'
 * free text, which could forge a row: each candidate is confirmed by `ctstat -v -i`.
 */
async function listWithCtstat(tools: CommandTools): Promise<GroupInfo[]> {
  let all: CtstatEntry[];
  try {
    all = await tools.ctstatAll();
  } catch (error) {
    throw wrapContractError(error, 'process');
  }
  const candidates = [...new Set(all.filter((c) => c.state !== 'dead' && parseMark(c.aux) !== undefined).map((c) => c.ctid))];
  const confirmed: CtstatEntry[] = [];
  for (const ctid of candidates) {
    let entry;
    try {
      entry = await tools.ctstat(ctid);
    } catch (error) {
      throw wrapContractError(error, ctid);
    }
    if (entry !== undefined && entry.state !== 'dead' && parseMark(entry.aux) !== undefined) confirmed.push(entry);
  }
  return confirmed.map((c) => {
    const owner = parseMark(c.aux) as NonNullable<ReturnType<typeof parseMark>>;
    return {
      backend: 'contract',
      id: String(c.ctid),
      name: undefined,
      ownerPid: owner.pid,
      orphaned: c.state !== 'owned' || !ownerAlive(tools.facts, owner),
      memberCount: c.members?.length ?? 0,
    } satisfies GroupInfo;
  });
}
