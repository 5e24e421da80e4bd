import { setTimeout as sleep } from 'node:timers/promises';
import type { ProcessFacts } from '@pg/contract';
import { PermissionError } from '../../errors/index.js';
import type { SignalRound } from '../../rounds.js';

/**
 * One signal pass over a contract's members, for both mechanisms (`sigsend(P_CTID)` or
 * `pkill -c`): which members are new, whether to send, and what to count as signalled after.
 *
 * - A member is `pid@start` (psinfo `pr_start`, ns), so a recycled pid counts as new.
 * - A member is counted as signalled only when its psinfo was read before the send: procfs hides
 *   a process still being forked (SIDL, `pr_lookup_procdir`), which the contract already lists
 *   (`contract_process_fork`) and `sigsend` skips (`dotoprocs`). One listed but not shown forces
 *   another pass, by which time it is shown and reached (docs/illumos.md, "Signalling every member").
 * - A member whose parent was signalled earlier in this operation, and which started after that
 *   (its `pr_start` is later than the moment the send returned), is not new: it was forked after
 *   its parent took the signal. Without this a trapping tree that forks every few ms shows a new
 *   member on every pass, and on the command path (two fork/execs a pass) never converges.
 * - A member this process may not signal (`kill(pid, 0)`: EPERM) is a PermissionError once the
 *   others were sent the signal: `sigsend` answers EPERM only when it reached nobody.
 */
export async function signalPassOver(ctid: number, memberPids: readonly number[], facts: ProcessFacts, round: SignalRound, send: () => Promise<unknown>, id: string): Promise<number> {
  const ready: { pid: number; key: string }[] = [];
  const denied: number[] = [];
  let hidden = 0;
  for (const pid of memberPids) {
    const info = facts.psinfo(pid);
    if (info === undefined) {
      hidden++; // SIDL (or exited since the snapshot): look again next pass
      continue;
    }
    if (info.contract !== ctid) continue; // left, and the pid went to another process
    const key = `${pid}@${info.startNs}`;
    if (round.signalled.has(key)) continue;
    if (round.bornAfterParentSignalled(info.ppid, Number(info.startNs), CLOCK_SLACK_NS)) continue;
    if (!facts.maySignal(pid)) denied.push(pid);
    else ready.push({ pid, key });
  }
  if (ready.length > 0) {
    await send();
    // Read once the send returned: never earlier than any signal it delivered.
    const now = Number(facts.nowNs());
    for (const { pid, key } of ready) {
      round.signalled.add(key);
      round.sentAt.set(pid, now);
    }
  } else if (hidden > 0) {
    // Only members still being forked: a send would skip them. Give the forks a moment, so that
    // core's bounded passes are not spent in microseconds.
    await sleep(HIDDEN_PAUSE_MS);
  }
  if (denied.length > 0) throw deniedError(id, denied);
  return ready.length + hidden;
}

/** After a kill pass: members still listed that this process may not signal make the kill impossible. */
export function checkKillable(memberPids: readonly number[], facts: ProcessFacts, id: string): void {
  const denied = memberPids.filter((pid) => !facts.maySignal(pid));
  if (denied.length > 0) throw deniedError(id, denied);
}

function deniedError(id: string, pids: readonly number[]): PermissionError {
  return new PermissionError(
    `group ${id}: not allowed to signal member${pids.length === 1 ? '' : 's'} ${pids.join(', ')} (another user's, or setuid); the others were signalled`,
  );
}

/** The pause of a pass that found only members procfs does not show yet (mid-fork). */
const HIDDEN_PAUSE_MS = 5;

/**
 * `pr_start` and the send time are ns since the epoch (about 2^60), kept by core's round as
 * numbers: a double holds them to 256 ns. A child counts as born after its parent's signal only
 * when it started more than 1 µs later, so the rounding can only make a member new, never hide one.
 */
const CLOCK_SLACK_NS = 1000;
