import type { StdioOptions } from 'node:child_process';
import type { BackendName, Capabilities, GroupLimits } from './backend.js';
import { InvalidOptionError, UnsupportedError } from './errors/index.js';
import { signalName } from './signals.js';

/**
 * Checks the options of a spawn against what the chosen backend can do here, before anything is
 * created: each thing it cannot serve is an `InvalidOptionError` naming the option, the value and
 * what this backend accepts.
 */
export function checkSpawnAgainst(backend: BackendName, can: Capabilities, options: { stdio?: StdioOptions; limits?: GroupLimits }): void {
  const { stdio, limits } = options;
  if (!can.ipc && Array.isArray(stdio)) {
    const at = stdio.indexOf('ipc');
    if (at >= 0) {
      throw new InvalidOptionError(`stdio[${at}]`, 'ipc', `anything but "ipc": the ${backend} backend gives the leader no IPC channel${note(can.ipcNote)}`);
    }
  }
  if (limits === undefined) return;
  for (const [key, value] of Object.entries(limits) as [keyof GroupLimits, number | undefined][]) {
    if (value === undefined || can.limits.includes(key)) continue;
    const offered = can.limits.length === 0 ? 'no limits' : `only ${can.limits.map((k) => `limits.${k}`).join(' and ')}`;
    throw new InvalidOptionError(`limits.${key}`, value, `no such limit: the ${backend} backend enforces ${offered} here${note(can.limitsNote)}`);
  }
}

/**
 * Checks that the backend can deliver `signal` here (Windows has no signals but terminate and
 * console events).
 * @throws UnsupportedError naming the signal, the backend and the platform.
 */
export function checkSignalAgainst(backend: BackendName, can: Capabilities, signal: number): void {
  if (can.signals === undefined || signal === 0 || can.signals.has(signal)) return;
  const names = [...can.signals].map(signalName).join(', ');
  throw new UnsupportedError(`the ${backend} backend cannot deliver ${signalName(signal)} on ${process.platform}: it delivers ${names}${note(can.signalsNote)}`);
}

function note(text: string | undefined): string {
  return text === undefined ? '' : ` (${text})`;
}
