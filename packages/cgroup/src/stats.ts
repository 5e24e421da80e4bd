import type { Cgroup } from './group.js';
import { parseFlatKeyed, readCgroupFile, readOptional } from './files.js';

/** `cgroup.stat`: nr_descendants, nr_dying_descendants… as numbers. */
export function readCgroupStat(group: Cgroup): Record<string, number> {
  return parseFlatKeyed(readCgroupFile(group.file('cgroup.stat')));
}

/** `cpu.stat` (always present on v2, even without the cpu controller: usage_usec, user_usec, system_usec). */
export function readCpuStat(group: Cgroup): Record<string, number> | undefined {
  const text = readOptional(group.file('cpu.stat'));
  return text === undefined ? undefined : parseFlatKeyed(text);
}

/** `memory.current` in bytes, or undefined when the memory controller is not enabled for this cgroup. */
export function readMemoryCurrent(group: Cgroup): number | undefined {
  const text = readOptional(group.file('memory.current'));
  return text === undefined ? undefined : Number(text.trim());
}

/** `pids.current`, or undefined when the pids controller is not enabled for this cgroup. */
export function readPidsCurrent(group: Cgroup): number | undefined {
  const text = readOptional(group.file('pids.current'));
  return text === undefined ? undefined : Number(text.trim());
}
