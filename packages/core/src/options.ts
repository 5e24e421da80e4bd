import type { StdioOptions } from 'node:child_process';
import type { GroupLimits, OwnerExitPolicy } from './backend.js';
import { validateGroupName } from '@pg/cgroup';
import { InvalidOptionError } from './errors/index.js';
import type { BackendChoice } from './select.js';

/** Options of `spawnGroup`. */
export interface SpawnGroupOptions {
  /** `'auto'` (default, or `PG_BACKEND`) or one of `BACKEND_NAMES`. Only `auto` falls back. */
  readonly backend?: BackendChoice;
  /** A name for the group: 1 to 64 of A-Z a-z 0-9 . _ : + @ -, not starting with `.`, `:`, `+` or `-`. */
  readonly name?: string;
  /** Working directory of the leader. */
  readonly cwd?: string;
  /** The leader's complete environment (default: `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
  /** As for `child_process.spawn` (default `'pipe'`); array entries from 3 on reach the leader at those fds. */
  readonly stdio?: StdioOptions;
  /** Limits for the whole group; only backends with resource control accept them. */
  readonly limits?: GroupLimits;
  /** Aborting stops the group (SIGTERM, then SIGKILL after `stopTimeout`). */
  readonly signal?: AbortSignal;
  /** Milliseconds `stop()` waits before SIGKILL when the AbortSignal fires (default 5000). */
  readonly stopTimeout?: number;
  /**
   * When the process that creates the group dies, by any means (SIGKILL included): `'kill'` ends
   * the whole group, `'keep'` leaves it running, orphaned, for `listGroups()` and `openGroup()`.
   * Default: `'kill'` where the backend can (`guarantees.diesWithOwner`), else `'keep'`. Asking
   * for `'kill'` where the backend cannot is an `UnsupportedError`.
   */
  readonly onOwnerExit?: OwnerExitPolicy;
}


/** Checks every option's type and shape; throws `InvalidOptionError` naming the first bad one. */
export function validateSpawn(file: unknown, args: unknown, options: unknown): SpawnGroupOptions {
  if (typeof file !== 'string' || file === '' || file.includes('\0')) {
    throw new InvalidOptionError('file', file, 'a non-empty command name or path without NUL characters');
  }
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string' && !a.includes('\0'))) {
    throw new InvalidOptionError('args', args, 'an array of strings without NUL characters');
  }
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) throw new InvalidOptionError('options', options, 'an object');
  const o = options as Record<string, unknown>;
  if (o.name !== undefined) validateName(o.name);
  if (o.cwd !== undefined && (typeof o.cwd !== 'string' || o.cwd === '')) throw new InvalidOptionError('cwd', o.cwd, 'a directory path');
  if (o.env !== undefined && (typeof o.env !== 'object' || o.env === null)) throw new InvalidOptionError('env', o.env, 'an object of strings');
  if (o.stdio !== undefined && typeof o.stdio !== 'string' && !Array.isArray(o.stdio)) {
    throw new InvalidOptionError('stdio', o.stdio, '"pipe", "inherit", "ignore" or an array as for child_process.spawn');
  }
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw new InvalidOptionError('signal', o.signal, 'an AbortSignal');
  if (o.stopTimeout !== undefined && (typeof o.stopTimeout !== 'number' || !(o.stopTimeout >= 0) || !Number.isFinite(o.stopTimeout))) {
    throw new InvalidOptionError('stopTimeout', o.stopTimeout, 'a number of milliseconds >= 0');
  }
  if (o.limits !== undefined) validateLimits(o.limits);
  if (o.onOwnerExit !== undefined && o.onOwnerExit !== 'kill' && o.onOwnerExit !== 'keep') {
    throw new InvalidOptionError('onOwnerExit', o.onOwnerExit, '"kill" or "keep"');
  }
  return o as SpawnGroupOptions;
}

/** The one group-name rule, `@pg/cgroup`'s (names reach cgroup paths, argv and environments). */
function validateName(name: unknown): void {
  try {
    validateGroupName(name, 'name');
  } catch (error) {
    if (error instanceof TypeError) throw InvalidOptionError.fromTypeError('name', name, error);
    throw error;
  }
}

function validateLimits(limits: unknown): void {
  if (typeof limits !== 'object' || limits === null) throw new InvalidOptionError('limits', limits, 'an object { pids?, memory? }');
  for (const [key, value] of Object.entries(limits)) {
    if (key !== 'pids' && key !== 'memory') throw new InvalidOptionError(`limits.${key}`, value, 'only "pids" and "memory"');
    if (value !== undefined && (!Number.isSafeInteger(value) || (value as number) <= 0)) {
      throw new InvalidOptionError(`limits.${key}`, value, key === 'pids' ? 'a positive integer' : 'a positive number of bytes');
    }
  }
}
