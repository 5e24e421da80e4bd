import { ContractError } from '../errors.js';
import { checkId } from './ctstat.js';
import { runTool } from './run.js';

/** The pids `pgrep -c CTID` prints (one per line); `[]` when none (exit 1). */
export async function pgrepContract(ctid: number): Promise<number[]> {
  checkId(ctid);
  const { exitCode, stdout, stderr } = await runTool('pgrep', ['-c', String(ctid)]);
  if (exitCode === 1) return [];
  if (exitCode !== 0) throw new ContractError(`pgrep -c ${ctid} exited ${exitCode}: ${stderr.trim()}`, 'ECOMMAND', 'pgrep');
  return parsePids(stdout);
}

/**
 * `pkill -SIGNAL -c CTID`: signals every member; `true` when one matched (exit 0), `false` when
 * none did (exit 1). Like `sigsend(P_CTID)` it is not fork-atomic: repeat until `false`.
 */
export async function pkillContract(ctid: number, signal: number): Promise<boolean> {
  checkId(ctid);
  if (!Number.isInteger(signal) || signal < 0) throw new TypeError(`Invalid option \`signal\`: got ${String(signal)}, expected a signal number.`);
  const { exitCode, stderr } = await runTool('pkill', [`-${signal}`, '-c', String(ctid)]);
  if (exitCode === 0) return true;
  if (exitCode === 1) return false;
  throw new ContractError(`pkill -${signal} -c ${ctid} exited ${exitCode}: ${stderr.trim()}`, 'ECOMMAND', 'pkill');
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
