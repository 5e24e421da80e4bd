/** Throws a TypeError unless `value` is a non-negative integer fd; names the option. */
export function checkFd(value: unknown, option = 'fd'): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw new TypeError(`Invalid option \`${option}\`: got ${String(value)}, expected a non-negative integer file descriptor.`);
}

/** Throws a TypeError unless `value` is a positive integer pid; names the option. */
export function checkPid(value: unknown, option = 'pid'): number {
  // pid 0 and negative pids mean "process group" to kill(2)/waitpid(2): never accept them here.
  if (typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= 0x3fffffff) return value;
  throw new TypeError(`Invalid option \`${option}\`: got ${String(value)}, expected a positive integer process id.`);
}
