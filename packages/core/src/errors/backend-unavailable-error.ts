import type { ProbeResult } from '../backend.js';
import { ProcessGroupError } from './process-group-error.js';

/** A backend was asked for by name but cannot work here; `probes` says why for every backend. */
export class BackendUnavailableError extends ProcessGroupError {
  static readonly code = 'ERR_PG_BACKEND_UNAVAILABLE';
  readonly probes: readonly ProbeResult[];
  constructor(message: string, probes: readonly ProbeResult[]) {
    const lines = probes.map((p) => `  ${p.backend}: ${p.available ? 'available' : 'unavailable'} (${p.reason})`);
    super(BackendUnavailableError.code, `${message}\n${lines.join('\n')}`);
    this.probes = probes;
  }
}
