import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { ctrunArgs, ctstatContract, ctstatProcessContracts, pkillContract, TOOLS } from '@pg/contract';
import type { BackendGroup, GroupInfo, GroupStats, Member, SpawnRequest } from '../../backend.js';
import { GroupGoneError, PermissionError } from '../../errors/index.js';
import { spawnChild } from '../spawn-child.js';
import { wrapContractError } from './errors.js';
import { describeMembers } from './ps.js';

const MAX_SIGNAL_PASSES = 100;
const MAX_KILL_PASSES = 2000;
/** How long to look for ctrun's contract in `ctstat` before giving up (ctrun forks at once). */
const FIND_TIMEOUT_MS = 30_000;

/**
 * The contract backend without koffi: the leader is `ctrun -l contract -o noorphan FILE ARGS`
 * (reference/illumos.md, "CLI fallback"). ctrun holds the contract and exits after EMPTY with the
 * direct child's status, so the leader's exit is both the empty event and (mostly) the exit
 * code; ctrun dying by any signal makes the kernel SIGKILL every member atomically (NOORPHAN).
 * Members come from `ctstat -v -i`, signals from `pkill -c`, which finds pids then signals them:
 * a recycled pid can be hit in between, unlike `sigsend(P_CTID)`.
 */
export class CtrunGroup implements BackendGroup {
  readonly id: string;
  readonly child: ChildProcess | undefined;
  readonly #ctid: number | undefined;

  constructor(ctid: number | undefined, child: ChildProcess | undefined, id = String(ctid)) {
    this.#ctid = ctid;
    this.child = child;
    this.id = id;
  }

  async memberPids(): Promise<number[]> {
    if (this.#ctid === undefined) return [];
    try {
      return [...((await ctstatContract(this.#ctid))?.members ?? [])];
    } catch (error) {
      throw wrapContractError(error, this.id);
    }
  }

  async members(): Promise<Member[]> {
    return describeMembers(await this.memberPids());
  }

  /** `pkill -SIG -c CTID`, repeated while a pass finds members that were not there before it. */
  async signal(signal: number): Promise<void> {
    let known = new Set(await this.memberPids());
    for (let pass = 0; pass < MAX_SIGNAL_PASSES; pass++) {
      if (!(await this.#pkill(signal))) return;
      const now = await this.memberPids();
      if (now.every((pid) => known.has(pid))) return;
      known = new Set([...known, ...now]);
    }
    throw new PermissionError(`contract ${this.id} kept forking new members through ${MAX_SIGNAL_PASSES} signal passes`);
  }

  /** SIGKILL ctrun (NOORPHAN: the kernel kills every member atomically), then `pkill -9 -c` until none matches. */
  async kill(): Promise<void> {
    if (this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    for (let pass = 0, wait = 1; await this.#pkill(9); pass++, wait = Math.min(wait * 2, 50)) {
      if (pass >= MAX_KILL_PASSES) throw new PermissionError(`contract ${this.id} still had live members after ${MAX_KILL_PASSES} SIGKILL passes`);
      await sleep(wait);
    }
  }

  /** ctrun's exit (it waits for EMPTY), then `ctstat` until the contract has no member or is gone. */
  async watchEmpty(abort: AbortSignal): Promise<void> {
    const child = this.child;
    if (child !== undefined && child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        const done = () => {
          abort.removeEventListener('abort', done);
          child.off('exit', done);
          resolve();
        };
        child.once('exit', done);
        abort.addEventListener('abort', done, { once: true });
      });
    }
    for (let wait = 2; !abort.aborted; wait = Math.min(wait * 2, 200)) {
      if ((await this.memberPids()).length === 0) return;
      await sleep(wait, undefined, { signal: abort }).catch(() => undefined);
    }
  }

  async stats(): Promise<GroupStats> {
    return { pids: (await this.memberPids()).length };
  }

  async close(): Promise<void> {
    // ctrun holds the contract and abandons it when it exits; this process holds nothing.
  }

  async #pkill(signal: number): Promise<boolean> {
    if (this.#ctid === undefined) return false;
    try {
      return await pkillContract(this.#ctid, signal);
    } catch (error) {
      throw wrapContractError(error, this.id);
    }
  }
}

/** Starts `ctrun` around the command and finds its contract: the `ctstat` row whose holder is ctrun. */
export async function spawnWithCtrun(request: SpawnRequest): Promise<CtrunGroup> {
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
    const held = (await ctstatProcessContracts()).find((c) => c.state === 'owned' && c.holder === pid);
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

/** Attaches to contract `ctid` through `ctstat`; GroupGoneError when it does not exist. */
export async function attachWithCtstat(ctid: number): Promise<CtrunGroup> {
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
export async function listWithCtstat(): Promise<GroupInfo[]> {
  const owned = (await ctstatProcessContracts()).filter((c) => c.state === 'owned' && c.holder !== undefined);
  const holders = await describeMembers(owned.map((c) => c.holder as number));
  const mine = new Set(holders.filter((h) => h.ppid === process.pid && /(^|\/)ctrun(\s|$)/.test(h.command)).map((h) => h.pid));
  return owned
    .filter((c) => mine.has(c.holder as number))
    .map((c) => ({ backend: 'contract', id: String(c.ctid), name: undefined, ownerPid: process.pid, orphaned: false, memberCount: c.members?.length ?? 0 }));
}
