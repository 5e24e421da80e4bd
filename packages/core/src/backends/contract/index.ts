import { contractSupport, contracts, type ContractSupport } from '@pg/contract';
import type { Backend, BackendGroup, Capabilities, GroupInfo, Guarantees, ProbeResult, SpawnRequest } from '../../backend.js';
import { BackendUnavailableError, InvalidOptionError } from '../../errors/index.js';
import { commandsMechanism } from './commands-mechanism.js';
import { libcontractMechanism } from './libcontract-mechanism.js';
import type { ContractMechanism } from './mechanism.js';

/** How the backend finds its mechanisms; tests pass their own (a fake libcontract, a fixed support). */
export interface ContractBackendDeps {
  /** What works here (`@pg/contract`'s `contractSupport`: libcontract, the commands, or neither). */
  readonly support: () => Promise<ContractSupport>;
  /** The libcontract mechanism, made once the probe found libcontract usable. */
  readonly libcontract: () => ContractMechanism;
  readonly commands: ContractMechanism;
}

/**
 * illumos process contracts (`@pg/contract`). Every process the leader forks, daemons included,
 * is a member from its first instruction; the kernel reports EMPTY; SIGKILL is atomic through
 * NOORPHAN + abandon. Available when `process.platform` is `sunos`, `/system/contract` exists,
 * and libcontract loads through koffi (and opens a template) or the ctrun/ctstat/pgrep/pkill
 * commands exist. Written from the illumos sources; not yet run on a real illumos machine.
 *
 * The probe chooses the mechanism, once, and the backend keeps it: `guarantees()` is that
 * mechanism's, so it is never libcontract's promise on a machine that has only the commands.
 * Core's selection always probes before it uses a backend; `spawn`, `attach` and `list` probe
 * themselves if nothing has, and `guarantees()` before any successful probe throws
 * `BackendUnavailableError` with the reason rather than guess.
 */
/**
 * The leader is started by Node's own spawn inside an active template (libcontract) or under
 * ctrun, which passes every fd on, so an IPC channel reaches it either way. Contracts carry no
 * resource limits.
 */
const contractCapabilities: Capabilities = Object.freeze({
  ipc: true,
  limits: Object.freeze([]),
  limitsNote: 'use illumos resource controls (projects, zones) for limits',
});

export class ContractBackend implements Backend {
  readonly name = 'contract' as const;
  readonly #deps: ContractBackendDeps;
  #mechanism: ContractMechanism | undefined;
  #probe: ProbeResult = { backend: 'contract', available: false, reason: 'not probed yet' };

  constructor(deps: ContractBackendDeps) {
    this.#deps = deps;
  }

  async probe(): Promise<ProbeResult> {
    const support = await this.#deps.support();
    this.#mechanism = support.mechanism === 'libcontract' ? this.#deps.libcontract() : support.mechanism === 'commands' ? this.#deps.commands : undefined;
    this.#probe = { backend: 'contract', available: this.#mechanism !== undefined, reason: support.reason };
    return this.#probe;
  }

  guarantees(): Guarantees {
    if (this.#mechanism === undefined) throw this.#unavailable();
    return this.#mechanism.guarantees;
  }

  recognizes(id: string): boolean {
    return /^[1-9]\d{0,9}$/.test(id) && Number(id) <= 0x7fffffff;
  }

  capabilities(): Capabilities {
    return contractCapabilities;
  }

  async spawn(request: SpawnRequest): Promise<BackendGroup> {
    return (await this.#ready()).spawn(request);
  }

  async attach(id: string): Promise<BackendGroup> {
    if (!this.recognizes(id)) throw new InvalidOptionError('id', id, 'a contract id (a positive integer) for the contract backend');
    return (await this.#ready()).attach(Number(id));
  }

  async list(): Promise<GroupInfo[]> {
    return (await this.#ready()).list();
  }

  /** The mechanism the probe chose, probing first if none has run. */
  async #ready(): Promise<ContractMechanism> {
    if (this.#mechanism === undefined) await this.probe();
    if (this.#mechanism === undefined) throw this.#unavailable();
    return this.#mechanism;
  }

  #unavailable(): BackendUnavailableError {
    return new BackendUnavailableError('the contract backend cannot work here:', [this.#probe]);
  }
}

/** The contract backend of this machine: `@pg/contract`'s support check, real libcontract, the real commands. */
export const contractBackend = new ContractBackend({
  support: contractSupport,
  libcontract: () => libcontractMechanism(contracts()),
  commands: commandsMechanism,
});
