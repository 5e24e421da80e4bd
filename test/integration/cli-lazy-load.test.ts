// The pg command loads only what the command it runs uses: `pg --help` no package at all, `pg fds`
// @pg/listen-fds but not @pg/core, `pg run` @pg/core (which shows the tracing sees packages).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fixture, PG } from '../fixtures/cli-harness.js';

const run = promisify(execFile);

/** The @pg packages (by directory under packages/) whose files `pg ARGS` loaded as modules. */
async function packagesLoaded(args: string[]): Promise<Set<string>> {
  const { stderr } = await run(process.execPath, ['--import', fixture('cli-trace-loads.mjs'), PG, ...args], { timeout: 60_000 });
  const found = new Set<string>();
  for (const m of stderr.matchAll(/^loaded file:\/\/.*\/packages\/([^/]+)\/dist\//gm)) found.add(m[1] as string);
  return found;
}

describe('pg loads only what a command uses', () => {
  it('pg --help loads no package but the cli', async () => {
    expect([...(await packagesLoaded(['--help']))]).toEqual(['cli']);
  });

  it('pg fds loads @pg/listen-fds, not @pg/core', async () => {
    const loaded = await packagesLoaded(['fds', '--json']);
    expect(loaded.has('listen-fds')).toBe(true);
    expect(loaded.has('core')).toBe(false);
  });

  it('pg run loads @pg/core', async () => {
    const loaded = await packagesLoaded(['run', '--', 'true']);
    expect(loaded.has('core')).toBe(true);
  });
});
