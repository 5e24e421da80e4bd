import type { Options } from 'tsup';

/**
 * What every package's build shares: ESM for Node 20 with declarations, names kept for errors.
 * No source maps: they would point at src/, which the published packages do not ship; the
 * output is unminified, so stack traces read as they are.
 */
export const base = {
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: false,
  target: 'node20',
  keepNames: true,
} satisfies Options;
