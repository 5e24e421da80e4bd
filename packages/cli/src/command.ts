import type { Io } from './output.js';

/** One `pg` sub-command. */
export interface Command {
  readonly name: string;
  /** One line for `pg --help`. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly help: string;
  /** Runs it; resolves to the exit code. Throws `UsageError` for bad input. */
  run(argv: readonly string[], io: Io): Promise<number>;
}
