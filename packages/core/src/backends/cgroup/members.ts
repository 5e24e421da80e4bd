import type { Member } from '../../backend.js';
import { ProcMember } from '../proc-member.js';

/**
 * Members from the pids of one `cgroup.procs` read (zombies are never listed there); ppid and
 * command are read from /proc only when asked for (see ProcMember).
 */
export function describeMembers(pids: readonly number[]): Member[] {
  return pids.map((pid) => new ProcMember(pid));
}
