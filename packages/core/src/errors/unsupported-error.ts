import { ProcessGroupError, type ErrorOptions } from './process-group-error.js';

/** The backend in use cannot do what was asked here (a limit without its controller, say). */
export class UnsupportedError extends ProcessGroupError {
  static readonly code = 'ERR_PG_UNSUPPORTED';
  constructor(message: string, options?: ErrorOptions) {
    super(UnsupportedError.code, message, options);
  }
}
