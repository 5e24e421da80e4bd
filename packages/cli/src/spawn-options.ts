import { BACKEND_NAMES, DEFAULT_STOP_TIMEOUT_MS, SpawnError, ProcessGroupError, type BackendChoice, type GroupLimits } from '@pg/core';
import { stringOption, type OptionSpec, type ParsedLine } from './argv.js';
import { ExitCode } from './exit-codes.js';
import { parseMilliseconds, parsePositiveInteger, parseSize } from './units.js';
import { UsageError } from './usage-error.js';

const BACKENDS: readonly string[] = ['auto', ...BACKEND_NAMES];

/** The `--backend B` line of a command's help, from core's one list. */
export const BACKEND_HELP = `--backend B          auto (default, or $PG_BACKEND), ${BACKEND_NAMES.join(', ')}`;

/** Options `run` and `init` share. */
export const spawnOptionSpec = {
  backend: { type: 'string' },
  'stop-timeout': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

/** `--backend B`, validated here so a typo is a usage error (exit 2), not a failure. */
export function backendOption(line: ParsedLine): BackendChoice | undefined {
  const b = stringOption(line, 'backend');
  if (b !== undefined && !BACKENDS.includes(b)) throw new UsageError(`bad --backend ${JSON.stringify(b)} (expected ${BACKENDS.join(', ')})`);
  return b as BackendChoice | undefined;
}

/** `--stop-timeout MS`: how long the rest of the group gets after SIGTERM before SIGKILL. */
export function stopTimeoutOption(line: ParsedLine): number {
  const t = stringOption(line, 'stop-timeout');
  return t === undefined ? DEFAULT_STOP_TIMEOUT_MS : parseMilliseconds(t, '--stop-timeout');
}

/** `--limit-pids N`, `--limit-memory SIZE`. */
export function limitsOption(line: ParsedLine): GroupLimits | undefined {
  const pids = stringOption(line, 'limit-pids');
  const memory = stringOption(line, 'limit-memory');
  if (pids === undefined && memory === undefined) return undefined;
  return {
    ...(pids === undefined ? {} : { pids: parsePositiveInteger(pids, '--limit-pids') }),
    ...(memory === undefined ? {} : { memory: parseSize(memory, '--limit-memory') }),
  };
}

/** The command after `--`, required. */
export function commandOf(line: ParsedLine): [string, string[]] {
  const [file, ...args] = line.command;
  if (file === undefined || file === '') throw new UsageError('missing the command to run (after --)');
  return [file, args];
}

/** 127 for a command not found, 126 for one that cannot be executed (as `env` does); else undefined. */
export function spawnFailureCode(error: unknown): number | undefined {
  if (!ProcessGroupError.isInstance(error) || error.code !== SpawnError.code) return undefined;
  return error.errno === 'ENOENT' ? ExitCode.notFound : ExitCode.cannotExecute;
}
