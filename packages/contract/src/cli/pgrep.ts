import { ContractError } from '../errors.js';
import { checkId } from './ctstat.js';
import { runTool, type CommandResult } from './run.js';
import { errnoOfText } from './strerror.js';

/** The pids `pgrep -c CTID` prints (one per line); `[]` when none (exit 1). */
export async function pgrepContract(ctid: number): Promise<number[]> {
  checkId(ctid);
  const { exitCode, stdout, stderr } = await runTool('pgrep', ['-c', String(ctid)]);
  if (exitCode === 1) return [];
  if (exitCode !== 0) throw new ContractError(`pgrep -c ${ctid} exited ${exitCode}: ${stderr.trim()}`, 'ECOMMAND', 'pgrep');
  return parsePids(stdout);
}

/**
 * `pkill -SIGNAL -c CTID`: signals every member; `true` when one matched, `false` when none did
 * (exit 1). Like `sigsend(P_CTID)` it is not fork-atomic: repeat until `false`.
 *
 * pkill exits 0 whenever it matched, even if `kill()` failed for some members: `pgrep.c` only
 * warns ("Failed to signal pid N: Not owner"). Those warnings are read, so a member this user may
 * not signal is ContractError `'EPERM'`, not a success; a member that exited between the scan and
 * the kill (ESRCH, "No such process") is not a failure.
 */
export async function pkillContract(ctid: number, signal: number): Promise<boolean> {
  checkId(ctid);
  if (!Number.isInteger(signal) || signal < 0) throw new TypeError(`Invalid option \`signal\`: got ${String(signal)}, expected a signal number.`);
  return pkillOutcome(ctid, signal, await runTool('pkill', [`-${signal}`, '-c', String(ctid)]));
}

/** @internal What a `pkill -c` run means: matched (true), nothing matched (false), or a ContractError. */
export function pkillOutcome(ctid: number, signal: number, { exitCode, stderr }: CommandResult): boolean {
  if (exitCode === 1) return false;
  const command = `pkill -${signal} -c ${ctid}`;
  if (exitCode !== 0) throw new ContractError(`${command} exited ${exitCode}: ${stderr.trim()}`, 'ECOMMAND', 'pkill');
  const failed: { pid: number; code: string; why: string }[] = [];
  for (const line of stderr.split('\n')) {
    // uu_warn: "pkill: Failed to signal pid 1240: Not owner"
    const match = /Failed to signal pid (\d+)(?::\s*(.*))?$/.exec(line.trim());
    if (match === null) continue;
    const why = (match[2] ?? '').trim();
    const code = errnoOfText(why) ?? 'ECOMMAND';
    if (code !== 'ESRCH') failed.push({ pid: Number(match[1]), code, why });
  }
  if (failed.length === 0) return true;
  const code = failed.every((f) => f.code === failed[0]?.code) ? (failed[0]?.code ?? 'ECOMMAND') : 'ECOMMAND';
  const list = failed.map((f) => `${f.pid} (${f.why || 'no reason given'})`).join(', ');
  throw new ContractError(`${command} could not signal member${failed.length === 1 ? '' : 's'} ${list}`, code, 'pkill');
}

/** One pid per line; throws ContractError `'ECOMMAND'` on a line that is not one. */
export function parsePids(text: string): number[] {
  const pids: number[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t === '') continue;
    if (!/^\d+$/.test(t)) throw new ContractError(`unexpected pgrep output: ${JSON.stringify(line)}`, 'ECOMMAND', 'pgrep');
    pids.push(Number(t));
  }
  return pids;
}
