import { execFile } from 'node:child_process';
import type { Member } from '../../backend.js';
import { psPath } from '../ps-path.js';

/**
 * ppid and command line of `pids`, from one `ps -o pid=,ppid=,args= -p …` (argument array,
 * `LC_ALL=C`, pids checked as integers). A pid `ps` no longer shows has exited and is left out.
 * illumos `ps` prints `pr_psargs`: the first 80 bytes of argv.
 */
export function describeMembers(pids: readonly number[]): Promise<Member[]> {
  const valid = pids.filter((p) => Number.isSafeInteger(p) && p > 0);
  if (valid.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    execFile(psPath(), ['-o', 'pid=,ppid=,args=', '-p', valid.join(',')], { env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 64 << 20 }, (error, stdout) => {
      // ps exits 1 when none of the pids exists any more: that is an empty answer, not a failure.
      if (error !== null && (error as { code?: unknown }).code !== 1) return reject(error);
      resolve(parsePs(stdout, new Set(valid)));
    });
  });
}

/** Lines of `pid ppid args…`; only pids asked for are kept. */
export function parsePs(text: string, wanted: ReadonlySet<number>): Member[] {
  const members: Member[] = [];
  for (const line of text.split('\n')) {
    const match = /^\s*(\d+)\s+(\d+)\s?(.*)$/.exec(line);
    if (match === null) continue;
    const pid = Number(match[1]);
    if (wanted.has(pid)) members.push({ pid, ppid: Number(match[2]), command: (match[3] ?? '').trim() });
  }
  return members;
}
