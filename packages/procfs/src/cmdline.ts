import { assertLinux, isGone, pidSegment } from './linux.js';
import { readKernelFile } from './read.js';
import { readStat } from './stat.js';

/**
 * The command line of `pid`: its argv joined by spaces, from `/proc/PID/cmdline` (proc(5): the
 * arguments, each ended by a NUL). A kernel thread or a zombie has an empty cmdline: then the
 * command name (`comm`, stat field 2) is returned, and `''` once the process is gone. A process
 * may rewrite its own argv area (setproctitle), so this is what it shows, not a proof. Linux only.
 * @throws TypeError for a pid that is not a positive integer or `'self'`; Error `'EUNSUPPORTED'` off Linux.
 */
export function commandLineOf(pid: number | 'self'): string {
  const file = `/proc/${pidSegment(pid)}/cmdline`;
  assertLinux();
  let raw: string;
  try {
    raw = readKernelFile(file, 'utf8');
  } catch (error) {
    if (isGone(error)) return '';
    throw error;
  }
  if (raw !== '') return raw.replace(/\0+$/, '').split('\0').join(' ');
  return readStat(pid)?.comm ?? '';
}
