// What every reader in this package shares: the platform decision (made here, once), the errors
// that mean "the process is gone", and the check that a pid is an integer before it reaches a path.

/**
 * Throws unless this is Linux. Other systems have no `/proc/PID/stat` (macOS has no /proc;
 * illumos and FreeBSD have a /proc of another format), so a missing file there would read as
 * "the process is gone": an error is the only honest answer.
 */
export function assertLinux(): void {
  if (process.platform === 'linux') return;
  const error = new Error(`@pg/procfs reads Linux's /proc (proc(5)); ${process.platform} has no /proc/PID/stat: list processes with ps there`);
  throw Object.assign(error, { code: 'EUNSUPPORTED' });
}

/**
 * Whether a failed read under `/proc/PID` means the process is gone: `ENOENT` once it has been
 * reaped, `ESRCH` for some files while it is being torn down (proc(5)).
 */
export function isGone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ESRCH';
}

/**
 * `pid` as a path segment: a positive integer or `'self'`, nothing else, so no value can name
 * another file (tree-kill's CVE-2019-15599 came from an unchecked pid).
 * @throws TypeError naming the option, the value and what was expected.
 */
export function pidSegment(pid: unknown, option = 'pid'): string {
  if (pid === 'self' || (typeof pid === 'number' && Number.isSafeInteger(pid) && pid > 0)) return String(pid);
  const shown = typeof pid === 'string' ? JSON.stringify(pid) : String(pid);
  throw new TypeError(`Invalid option \`${option}\`: got ${shown}, expected a positive integer or 'self'.`);
}
