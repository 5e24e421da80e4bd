import { access } from 'node:fs/promises';
import { missingTool } from './cli/run.js';
import { CTFS_PROCESS, TEMPLATE_PATH } from './constants.js';
import { ContractError } from './errors.js';
import { closeCtfs, openCtfs } from './fds.js';
import { libcontract, type Libcontract } from './ffi.js';

/** How contracts can be used here: through libcontract (koffi), through the commands, or not at all. */
export interface ContractSupport {
  readonly available: boolean;
  /** `'libcontract'` when koffi and libcontract load; `'commands'` when only ctrun/ctstat/pgrep/pkill exist. */
  readonly mechanism: 'libcontract' | 'commands' | undefined;
  /** Why, in words a user can act on (every check that failed, when unavailable). */
  readonly reason: string;
}

/** @internal The checks `contractSupport` makes, each answering with a problem or undefined. */
export interface SupportChecks {
  readonly platform: NodeJS.Platform;
  /** Why ctfs cannot be used, or undefined. */
  ctfsProblem(): Promise<string | undefined>;
  /** Why libcontract cannot be loaded, or undefined. */
  libcontractProblem(): string | undefined;
  /** The first missing command, or undefined. */
  missingCommand(): Promise<string | undefined>;
}

const realChecks: SupportChecks = {
  platform: process.platform,
  async ctfsProblem() {
    try {
      await access(CTFS_PROCESS);
      return undefined;
    } catch (error) {
      return `${CTFS_PROCESS} is not accessible (${(error as NodeJS.ErrnoException).code ?? 'EIO'})`;
    }
  },
  libcontractProblem() {
    let lib: Libcontract;
    try {
      lib = libcontract();
    } catch (error) {
      if (!ContractError.isInstance(error)) throw error;
      return error.message;
    }
    return templateProblemWith(lib);
  },
  missingCommand: () => missingTool(['ctrun', 'ctstat', 'pgrep', 'pkill']),
};

/**
 * @internal Why contracts cannot be created through `lib`: opens a process template the way
 * every spawn will (libc `open` without O_CLOEXEC, then FD_CLOEXEC by `fcntl`) and closes it. A
 * template open has no effect of its own (each open is a fresh template).
 */
export function templateProblemWith(lib: Libcontract): string | undefined {
  try {
    closeCtfs(lib, openCtfs(lib, TEMPLATE_PATH, 'rw'));
    return undefined;
  } catch (error) {
    if (!ContractError.isInstance(error)) throw error;
    return `a process template cannot be opened (${error.message})`;
  }
}

/**
 * Checks, in order, that this is illumos, that ctfs is mounted at `/system/contract`, and that
 * libcontract loads through koffi and a process template opens through it, or else that the commands illumos ships are present. Never
 * throws; loads koffi only on illumos.
 */
export function contractSupport(): Promise<ContractSupport> {
  return contractSupportWith(realChecks);
}

/** @internal */
export async function contractSupportWith(checks: SupportChecks): Promise<ContractSupport> {
  if (checks.platform !== 'sunos') {
    return { available: false, mechanism: undefined, reason: `not illumos (process.platform is ${checks.platform})` };
  }
  const ctfs = await checks.ctfsProblem();
  if (ctfs !== undefined) return { available: false, mechanism: undefined, reason: `no contract filesystem: ${ctfs}` };
  const ffi = checks.libcontractProblem();
  if (ffi === undefined) return { available: true, mechanism: 'libcontract', reason: 'process contracts through libcontract.so.1 (koffi)' };
  const missing = await checks.missingCommand();
  if (missing === undefined) {
    return { available: true, mechanism: 'commands', reason: `process contracts through ctrun/ctstat/pgrep/pkill (libcontract unusable: ${ffi})` };
  }
  return { available: false, mechanism: undefined, reason: `neither libcontract (${ffi}) nor the commands (${missing} is missing) can be used` };
}

/** Throws ContractError `'ENOCONTRACT'` with the reason unless contracts work here; returns the mechanism. */
export async function requireContracts(): Promise<'libcontract' | 'commands'> {
  const support = await contractSupport();
  if (support.mechanism === undefined) throw new ContractError(`process contracts cannot be used: ${support.reason}`, 'ENOCONTRACT');
  return support.mechanism;
}
