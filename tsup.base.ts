import type { Options } from 'tsup';

/** What every package's build shares: ESM for Node 20 with declarations, names kept for errors. */
export const base = {
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node20',
  keepNames: true,
} satisfies Options;
