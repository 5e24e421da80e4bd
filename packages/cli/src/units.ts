import { UsageError } from './usage-error.js';

const SIZE = /^(\d+(?:\.\d+)?)\s*(?:([kmgt])(i?b)?|b)?$/i;
const POWERS: Readonly<Record<string, number>> = { k: 1, m: 2, g: 3, t: 4 };

/**
 * Bytes from `512`, `64K`, `512M`, `1.5G`, `2GiB`, `1T`: suffixes are powers of 1024, as in
 * cgroup `memory.max` and systemd's `MemoryMax=`. `option` names the flag for the error.
 */
export function parseSize(text: string, option: string): number {
  const match = SIZE.exec(text.trim());
  if (match === null) throw new UsageError(`bad size for ${option}: ${JSON.stringify(text)} (expected bytes, or a number with K, M, G or T)`);
  const power = match[2] === undefined ? 0 : (POWERS[match[2].toLowerCase()] ?? 0);
  const bytes = Math.floor(Number(match[1]) * 1024 ** power);
  if (!Number.isSafeInteger(bytes) || bytes <= 0) throw new UsageError(`bad size for ${option}: ${JSON.stringify(text)} (must be at least 1 byte)`);
  return bytes;
}

/** A positive integer (`--limit-pids`). */
export function parsePositiveInteger(text: string, option: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`bad value for ${option}: ${JSON.stringify(text)} (expected a positive integer)`);
  return n;
}

/** Milliseconds >= 0 (`--timeout`, `--stop-timeout`). */
export function parseMilliseconds(text: string, option: string): number {
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw new UsageError(`bad value for ${option}: ${JSON.stringify(text)} (expected milliseconds, an integer >= 0)`);
  return n;
}

/** `1536` → `1.5 KiB`, for people. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}
