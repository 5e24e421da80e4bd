import { isAbsolute } from 'node:path';
import type { ContractEventName, ContractParam } from '../names.js';

/** ctrun's own exit codes with `-l contract` (`ctrun.c`); anything else is the direct child's status. */
export const CTRUN_EXIT = Object.freeze({ ABNORMAL: 123, INTERNAL: 124, USAGE: 125, EXEC_FAILED: 126, NOT_FOUND: 127 });

/** Options of `ctrunArgs`. */
export interface CtrunOptions {
  /** `-l`: `contract` (default; ctrun waits for EMPTY), `child` or `none`. */
  readonly lifetime?: 'none' | 'child' | 'contract';
  readonly informative?: readonly ContractEventName[];
  readonly critical?: readonly ContractEventName[];
  /** Only core, signal, hwerr. */
  readonly fatal?: readonly ContractEventName[];
  /** `-o`; `noorphan` makes ctrun's death (any signal) SIGKILL every member atomically. */
  readonly params?: readonly ContractParam[];
  /** `-A`: the creator's aux string, read back in `ctstat -v` as `aux`. No privilege needed. */
  readonly aux?: string;
}

const list = (names: readonly string[]) => (names.length === 0 ? 'none' : names.join(','));

/**
 * The argument array for `/usr/bin/ctrun` to run `file args` in a new contract. `file` must be an
 * absolute path (no PATH search, no chance of being read as an option). Never a shell string.
 */
export function ctrunArgs(file: string, args: readonly string[], options: CtrunOptions = {}): string[] {
  if (!isAbsolute(file)) throw new TypeError(`Invalid option \`file\`: got ${JSON.stringify(file)}, expected an absolute path.`);
  const out = ['-l', options.lifetime ?? 'contract'];
  if (options.informative !== undefined) out.push('-i', list(options.informative));
  if (options.critical !== undefined) out.push('-c', list(options.critical));
  if (options.fatal !== undefined) out.push('-f', list(options.fatal));
  if (options.params !== undefined) out.push('-o', list(options.params));
  if (options.aux !== undefined) {
    if (options.aux.includes('\0')) throw new TypeError(`Invalid option \`aux\`: got ${JSON.stringify(options.aux)}, expected a string without NUL.`);
    out.push('-A', options.aux);
  }
  out.push(file, ...args);
  return out;
}
