import type { ChildProcess } from 'node:child_process';
import type { BackendGroup, GroupStats, Member } from '../../backend.js';
import type { SignalRound } from '../../rounds.js';
import { GroupGoneError } from '../../errors/index.js';
import type { CommandTools } from './command-tools.js';
import { wrapContractError } from './errors.js';
import { describeMembers } from './ps.js';
import { signalPassOver } from './signal-pass.js';

/** ctrun's exit code for its own internal failures (`uu_die` under `UU_PROFILE_LAUNCHER`). */
const CTRUN_INTERNAL = 124;

/**
 * The contract backend without koffi (docs/illumos.md, "The command path"). For a spawned
 * group the leader is `ctrun -l contract -o noorphan -A MARK FILE ARGS`: ctrun holds the
 * contract, waits for its EMPTY event and then exits with the direct child's status; ctrun dying
 * by any signal makes the kernel SIGKILL every member it may kill atomically (NOORPHAN). Members
 * come from `ctstat -v -i`, their parent and start time from psinfo, signals from `pkill -c`,
 * which finds pids then signals them: a recycled pid can be hit in between, unlike
 * `sigsend(P_CTID)`. A pass costs two fork/execs (tens of ms): the rule of `signalPassOver` that
 * leaves alone a member forked after its parent was signalled is what lets a busy, trapping tree
 * converge here.
 *
 * No `watchEmpty`: the EMPTY event is ctrun's to read. Core polls `isEmpty()`, which for a
 * spawned group costs nothing while ctrun runs (ctrun exits only after EMPTY) and reads the
 * contract only after ctrun died some other way; ctrun's exit also wakes the poll at once.
 */
export class CtrunGroup implements BackendGroup {
  readonly id: string;
  readonly child: ChildProcess | undefined;
  readonly foreign: string | undefined;
  /** Undefined when ctrun came and went before its contract could be found: nothing is left. */
  readonly #ctid: number | undefined;
  readonly #tools: CommandTools;

  constructor(ctid: number | undefined, child: ChildProcess | undefined, tools: CommandTools, options: { readonly id?: string; readonly foreign?: string | undefined } = {}) {
    this.#ctid = ctid;
    this.child = child;
    this.#tools = tools;
    this.id = options.id ?? String(ctid);
    this.foreign = options.foreign;
  }

  /** Member pids of one `ctstat -v -i`; undefined once the contract no longer exists. */
  async #memberPids(): Promise<number[] | undefined> {
    if (this.#ctid === undefined) return undefined;
    try {
      return (await this.#tools.ctstat(this.#ctid))?.members?.slice();
    } catch (error) {
      throw wrapContractError(error, this.id);
    }
  }

  /** Rejects with GroupGoneError once the contract no longer exists. */
  async members(): Promise<Member[]> {
    const pids = await this.#memberPids();
    if (pids === undefined) throw new GroupGoneError(this.id);
    return describeMembers(pids);
  }

  /**
   * One pass (`signalPassOver`): the new members of one `ctstat` get one `pkill -SIG -c CTID`,
   * which signals every member. A member that may not be signalled is a PermissionError (pkill
   * itself exits 0 then; `pkillContract` reads its warnings).
   */
  async signalPass(round: SignalRound): Promise<number> {
    const pids = await this.#memberPids();
    if (pids === undefined || this.#ctid === undefined) return 0;
    return signalPassOver(this.#ctid, pids, this.#tools.facts, round, () => this.#pkill(round.signal), this.id);
  }

  /** SIGKILL to ctrun while it runs (NOORPHAN: the kernel kills every member atomically), then one `pkill -9 -c`. */
  async killPass(): Promise<void> {
    if (this.#ctrunRunning()) this.child?.kill('SIGKILL');
    await this.#pkill(9);
  }

  /**
   * While ctrun runs the contract is not empty (ctrun waits for EMPTY). Once ctrun exited with
   * the child's status it was empty; if ctrun was killed, or failed itself, its members were
   * SIGKILLed by the kernel but may not have exited yet: `ctstat` says.
   */
  async isEmpty(): Promise<boolean> {
    if (this.#ctrunRunning()) return false;
    const child = this.child;
    if (child !== undefined && child.signalCode === null && child.exitCode !== CTRUN_INTERNAL) return true;
    return ((await this.#memberPids()) ?? []).length === 0;
  }

  async stats(): Promise<GroupStats> {
    return { pids: ((await this.#memberPids()) ?? []).length };
  }

  async close(): Promise<void> {
    // ctrun holds the contract and abandons it when it exits; this process holds nothing.
  }

  #ctrunRunning(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  async #pkill(signal: number): Promise<boolean> {
    if (this.#ctid === undefined) return false;
    try {
      return await this.#tools.pkill(this.#ctid, signal);
    } catch (error) {
      throw wrapContractError(error, this.id);
    }
  }
}
