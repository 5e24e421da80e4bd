import type { Io } from './output.js';

/** One `pg` sub-command, once its module is loaded. */
export interface Command {
  readonly name: string;
  /** The full `--help` text. */
  readonly help: string;
  /** Runs it; resolves to the exit code. Throws `UsageError` for bad input. */
  run(argv: readonly string[], io: Io): Promise<number>;
}

/**
 * A command as `pg --help` lists it. Its module, and with it the packages it uses (`@pg/core`,
 * koffi through the backends, `@pg/listen-fds`), is imported only by `load()`, when that
 * command runs or its help is asked for: `pg --help` loads none of them.
 */
export interface CommandEntry {
  readonly name: string;
  /** One line for `pg --help`. */
  readonly summary: string;
  /** Imports the command's module. */
  load(): Promise<Command>;
}
