import { contractSupport, ContractError, requireContracts } from '@pg/contract';
import type { Backend, BackendGroup, Guarantees, ProbeResult, SpawnRequest } from '../../backend.js';
import { BackendUnavailableError, InvalidOptionError, UnsupportedError } from '../../errors/index.js';
import { attachWithCtstat, listWithCtstat, spawnWithCtrun } from './ctrun-group.js';
import { libcontractBinding } from './libcontract-binding.js';
import { attachWithBinding, listWithBinding, spawnWithBinding } from './operations.js';

const UNTESTED = 'Written from the illumos sources; not yet run on a real illumos machine.';
const NO_LIMITS = 'Resource limits (pids, memory) are not supported: use illumos resource controls (projects, zones).';

const libcontractGuarantees: Guarantees = Object.freeze({
  memberBeforeFirstInstruction: true,
  daemonsStayMembers: true,
  atomicKill: true,
  signalReachesNewMembers: true,
  emptyEvent: true,
  neverSignalsRecycledPid: true,
  unprivileged: true,
  limits: Object.freeze([
    'signal() uses sigsend(P_CTID), which skips processes mid-fork: it repeats while new members appear, so long-lived members may get a signal more than once.',
    'kill() is atomic only for a contract this process holds (NOORPHAN + abandon); for an attached one it repeats sigsend(SIGKILL) until no member is left.',
    'listGroups() shows only contracts this process holds: contracts carry no pg mark.',
    NO_LIMITS,
    UNTESTED,
  ]),
});

const commandGuarantees: Guarantees = Object.freeze({
  memberBeforeFirstInstruction: true,
  daemonsStayMembers: true,
  atomicKill: true,
  signalReachesNewMembers: true,
  emptyEvent: true,
  neverSignalsRecycledPid: false,
  unprivileged: true,
  limits: Object.freeze([
    'koffi is missing (it has no illumos build), so ctrun, ctstat, pgrep -c and pkill -c are used: the leader is ctrun, whose exit code is the command’s (123 when it died by a signal).',
    'pkill finds pids and then signals them, so a recycled pid can be signalled.',
    'kill() is atomic for a spawned group (SIGKILL to ctrun, NOORPHAN); for an attached one it repeats pkill -9 until none matches.',
    NO_LIMITS,
    UNTESTED,
  ]),
});

/** The mechanism found by the last probe; `spawn` probes if none has run. */
let mechanism: 'libcontract' | 'commands' | undefined;

async function ensureMechanism(): Promise<'libcontract' | 'commands'> {
  if (mechanism !== undefined) return mechanism;
  try {
    mechanism = await requireContracts();
  } catch (error) {
    if (!ContractError.isInstance(error)) throw error;
    throw new BackendUnavailableError('the contract backend cannot work here:', [{ backend: 'contract', available: false, reason: error.message }]);
  }
  return mechanism;
}

function ctidOf(id: string): number {
  if (!contractBackend.recognizes(id)) throw new InvalidOptionError('id', id, 'a contract id (a positive integer) for the contract backend');
  return Number(id);
}

/**
 * illumos process contracts (`@pg/contract`). Every process the leader forks, daemons included,
 * is a member from its first instruction; the kernel reports EMPTY; SIGKILL is atomic through
 * NOORPHAN + abandon. Available when `process.platform` is `sunos`, `/system/contract` exists,
 * and libcontract loads through koffi or the ctrun/ctstat/pgrep/pkill commands exist.
 * Written from the illumos sources; not yet run on a real illumos machine.
 */
export const contractBackend: Backend = {
  name: 'contract',
  async probe(): Promise<ProbeResult> {
    const support = await contractSupport();
    mechanism = support.mechanism;
    return { backend: 'contract', available: support.available, reason: support.reason };
  },
  guarantees: () => (mechanism === 'commands' ? commandGuarantees : libcontractGuarantees),
  recognizes: (id) => /^[1-9]\d{0,9}$/.test(id) && Number(id) <= 0x7fffffff,
  async spawn(request: SpawnRequest): Promise<BackendGroup> {
    if (request.limits !== undefined && Object.keys(request.limits).length > 0) {
      throw new UnsupportedError(`the contract backend cannot enforce limits (pids, memory): ${NO_LIMITS}`);
    }
    return (await ensureMechanism()) === 'libcontract' ? spawnWithBinding(libcontractBinding, request) : spawnWithCtrun(request);
  },
  async attach(id: string): Promise<BackendGroup> {
    const ctid = ctidOf(id);
    return (await ensureMechanism()) === 'libcontract' ? attachWithBinding(libcontractBinding, ctid) : attachWithCtstat(ctid);
  },
  async list() {
    return (await ensureMechanism()) === 'libcontract' ? listWithBinding(libcontractBinding) : listWithCtstat();
  },
};
