import { ExitCode } from './exit-codes.js';

/**
 * A mistake in what the user typed (option, signal name, size, group). Reported as one line on
 * stderr with exit code 2, before anything is signalled or started.
 */
export class UsageError extends Error {
  readonly exitCode = ExitCode.usage;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
