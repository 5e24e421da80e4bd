import type { Guarantees } from '../../backend.js';

const UNTESTED = 'Written from the illumos sources; not yet run on a real illumos machine.';
const NO_LIMITS = 'Resource limits (pids, memory) are not supported: use illumos resource controls (projects, zones).';

/** Through libcontract (koffi): this process holds each contract it creates. */
export const LIBCONTRACT_GUARANTEES: Guarantees = Object.freeze({
  memberBeforeFirstInstruction: true,
  daemonsStayMembers: true,
  atomicKill: true,
  signalReachesNewMembers: true,
  emptyEvent: true,
  neverSignalsRecycledPid: true,
  unprivileged: true,
  // The holder is this process and the contract is NOORPHAN: when it exits, however it dies,
  // the kernel abandons the contract and SIGKILLs every member (contract_exit → contract_abandon).
  diesWithOwner: true,
  limits: Object.freeze([
    'signal() uses sigsend(P_CTID), which skips processes mid-fork: it repeats while new members appear (a member counts as signalled once procfs showed it before a send; one forked after its parent was signalled is left alone), so long-lived members may get a signal more than once.',
    'kill() is atomic for a contract this process created with onOwnerExit: \'kill\' (NOORPHAN + abandon); otherwise (onOwnerExit: \'keep\', an adopted or attached contract) it repeats sigsend(SIGKILL) until no member is left.',
    'The NOORPHAN kill (abandon, or this process dying) reaches only the members this process may signal: a setuid member survives it, and kill() then fails with a PermissionError naming it.',
    'With onOwnerExit: \'keep\' the contract has no NOORPHAN: when this process exits it is orphaned and its members keep running; listGroups() finds it by pg\'s mark and openGroup(id) can watch and kill it.',
    'An attached contract held by another process gives no empty event here: emptiness is polled from its status.',
    'Contracts pg creates carry its mark (the creator aux, pg:PID:START); openGroup() refuses one without it unless forced. Any process can set any aux, so the mark guards against mistakes, not against forgery.',
    NO_LIMITS,
    UNTESTED,
  ]),
});

/** Through ctrun/ctstat/pgrep/pkill, where koffi cannot load. */
export const COMMANDS_GUARANTEES: Guarantees = Object.freeze({
  memberBeforeFirstInstruction: true,
  daemonsStayMembers: true,
  atomicKill: true,
  signalReachesNewMembers: true,
  emptyEvent: true,
  neverSignalsRecycledPid: false,
  unprivileged: true,
  // ctrun holds the contract, and ctrun does not watch its parent: if this process dies, ctrun
  // and the group keep running.
  diesWithOwner: false,
  limits: Object.freeze([
    'koffi is missing (it has no illumos build), so ctrun, ctstat, pgrep -c and pkill -c are used: the leader is ctrun, whose exit code is the command’s (123 when it died by a signal).',
    'pkill finds pids and then signals them, so a recycled pid can be signalled. A signal pass costs two fork/execs (ctstat, pkill); a member forked after its parent was signalled is left alone, so a busy forking tree still converges.',
    'Contracts pg creates carry its mark (ctrun -A pg:PID:START); openGroup() refuses one without it unless forced, and listGroups() finds marked groups whose owner is gone.',
    'kill() is atomic for a spawned group (SIGKILL to ctrun, NOORPHAN); for an attached one it repeats pkill -9 until none matches.',
    'The group does not die with this process: ctrun holds the contract and outlives its parent.',
    'Emptiness is ctrun’s exit (it waits for the EMPTY event); for an attached contract it is polled with ctstat.',
    NO_LIMITS,
    UNTESTED,
  ]),
});
