// The one place a backend is chosen (packages/core/src/select.ts): auto takes the strongest
// available, PG_BACKEND is honoured, and a backend named but unavailable throws with every
// probe's reason, never falling back.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { BackendUnavailableError, InvalidOptionError, probe, spawnGroup } from '@pg/core';

const run = promisify(execFile);
const probes = await probe();
const order = ['cgroup', 'contract', 'job', 'reaper', 'posix'];

/** What `spawnGroup` picks in a fresh process with `env`, as printed by that process. */
async function pickedWith(env: NodeJS.ProcessEnv, options = '{}'): Promise<string> {
  const script = `import { spawnGroup } from '@pg/core'; const g = await spawnGroup('/bin/true', [], { stdio: 'ignore', ...${options} }); await g.empty; console.log(g.backend);`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, ...env }, cwd: process.cwd() });
  return stdout.trim();
}

afterEach(() => {
  delete process.env.PG_BACKEND;
});

describe('backend selection', () => {
  it('probes every backend, strongest first, each with a reason', () => {
    expect(probes.map((p) => p.backend)).toEqual(order);
    for (const p of probes) expect(p.reason.length).toBeGreaterThan(10);
  });

  it('auto takes the first available backend in that order', async () => {
    const strongest = probes.find((p) => p.available)!.backend;
    expect(await pickedWith({ PG_BACKEND: '' })).toBe(strongest);
  });

  it('honours PG_BACKEND, and the option wins over it', async () => {
    expect(await pickedWith({ PG_BACKEND: 'posix' })).toBe('posix');
    const other = probes.find((p) => p.available && p.backend !== 'posix')?.backend;
    if (other !== undefined) expect(await pickedWith({ PG_BACKEND: 'posix' }, `{ backend: '${other}' }`)).toBe(other);
  });

  it('a named backend that is unavailable throws BackendUnavailableError listing every probe, and nothing falls back', async () => {
    const missing = probes.find((p) => !p.available);
    expect(missing).toBeDefined(); // illumos contracts are never available on this Linux machine
    const error = await spawnGroup('/bin/true', [], { backend: missing!.backend }).catch((e: unknown) => e);
    expect(BackendUnavailableError.isInstance(error)).toBe(true);
    const e = error as BackendUnavailableError;
    expect(e.probes.map((p) => p.backend)).toEqual(order);
    for (const p of probes) expect(e.message).toContain(`${p.backend}: ${p.available ? 'available' : 'unavailable'} (${p.reason})`);
  });

  it('a bad PG_BACKEND is an InvalidOptionError naming PG_BACKEND', async () => {
    process.env.PG_BACKEND = 'cgroups';
    const error = await spawnGroup('/bin/true', []).catch((e: unknown) => e);
    expect(InvalidOptionError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/`PG_BACKEND`: got "cgroups"/);
  });
});
