import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ContractError, type ContractSupport } from '@pg/contract';
import { contractsOver } from '@pg/contract/testing';
import { describe, expect, it } from 'vitest';
import type { SpawnRequest } from '../../backend.js';
import { BackendUnavailableError, ContractBackendError, GroupGoneError, PermissionError } from '../../errors/index.js';
import { wrapContractError } from './errors.js';
import { COMMANDS_GUARANTEES, LIBCONTRACT_GUARANTEES } from './guarantees.js';
import { contractBackend, ContractBackend } from './index.js';
import { libcontractMechanism } from './libcontract-mechanism.js';
import type { ContractMechanism } from './mechanism.js';
import { parsePs } from './ps.js';

const offIllumos = process.platform !== 'sunos';
const request: SpawnRequest = { file: '/bin/true', args: [], cwd: undefined, env: process.env, stdio: 'ignore', name: undefined, limits: undefined, onOwnerExit: 'keep' };

/** A backend whose support check answers `mechanism`, counting how often it was asked. */
function backendWith(mechanism: ContractSupport['mechanism']) {
  let probes = 0;
  const commands: ContractMechanism = { ...libcontractMechanism(contractsOver().contracts), name: 'commands', guarantees: COMMANDS_GUARANTEES };
  const backend = new ContractBackend({
    support: async () => {
      probes++;
      return { available: mechanism !== undefined, mechanism, reason: mechanism === undefined ? 'no contracts here' : `through ${mechanism}` };
    },
    libcontract: () => libcontractMechanism(contractsOver().contracts),
    commands,
  });
  return { backend, probes: () => probes };
}

describe('contract backend off illumos', () => {
  it.runIf(offIllumos)('probes unavailable, naming the platform', async () => {
    expect(await contractBackend.probe()).toEqual({
      backend: 'contract',
      available: false,
      reason: `not illumos (process.platform is ${process.platform})`,
    });
  });

  it.runIf(offIllumos)('spawn, attach and guarantees fail with BackendUnavailableError carrying the reason', async () => {
    await expect(contractBackend.spawn(request)).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(contractBackend.attach('12')).rejects.toThrow(/not illumos/);
    expect(() => contractBackend.guarantees()).toThrow(BackendUnavailableError);
  });

  it('recognizes contract ids only', () => {
    expect(['1', '57', '2147483647'].map((id) => contractBackend.recognizes(id))).toEqual([true, true, true]);
    expect(['0', '-1', '2147483648', 'x', '/sys/fs/cgroup/a', '01'].map((id) => contractBackend.recognizes(id))).toEqual([false, false, false, false, false, false]);
  });

  it('importing the backend module loads no koffi', () => {
    // Run from source through vitest's transform is not possible in a child; check the built
    // @pg/contract instead, which is all this module imports besides core.
    const dist = fileURLToPath(import.meta.resolve('@pg/contract'));
    const script = `
      import { createRequire } from 'node:module';
      await import(${JSON.stringify(dist)});
      console.log(Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('/koffi/')));`;
    expect(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }).trim()).toBe('false');
  });
});

describe('contract backend mechanism, chosen once by the probe (fake support, fake libcontract)', () => {
  it('guarantees() before any probe does not guess: BackendUnavailableError', () => {
    const { backend, probes } = backendWith('libcontract');
    expect(() => backend.guarantees()).toThrow(expect.objectContaining({ message: expect.stringContaining('not probed yet') }));
    expect(probes()).toBe(0);
  });

  it('fake libcontract: libcontract found, the guarantees are libcontract’s: it dies with its owner', async () => {
    const { backend } = backendWith('libcontract');
    expect(await backend.probe()).toEqual({ backend: 'contract', available: true, reason: 'through libcontract' });
    expect(backend.guarantees()).toBe(LIBCONTRACT_GUARANTEES);
    expect(backend.guarantees().diesWithOwner).toBe(true);
    expect(backend.guarantees().limits.join('\n')).toMatch(/not yet run on a real illumos machine/);
  });

  it('only the commands found, the guarantees are the commands’: ctrun outlives its parent', async () => {
    const { backend } = backendWith('commands');
    await backend.probe();
    expect(backend.guarantees()).toBe(COMMANDS_GUARANTEES);
    expect(backend.guarantees()).toMatchObject({ diesWithOwner: false, neverSignalsRecycledPid: false });
  });

  it('fake libcontract: spawn, attach and list probe once if nothing has, then keep the mechanism', async () => {
    const { backend, probes } = backendWith('libcontract');
    await expect(backend.attach('4242')).rejects.toBeInstanceOf(GroupGoneError);
    expect(await backend.list()).toEqual([]);
    expect(probes()).toBe(1);
  });

  it('neither: every operation is BackendUnavailableError with the probe’s reason', async () => {
    const { backend } = backendWith(undefined);
    await expect(backend.list()).rejects.toThrow(/no contracts here/);
    expect(() => backend.guarantees()).toThrow(BackendUnavailableError);
  });
});

describe('contract errors become pg errors', () => {
  it('ENOENT → GroupGoneError, EPERM → PermissionError, others → ContractBackendError with the code in errno', () => {
    const gone = wrapContractError(new ContractError('x', 'ENOENT', 'open'), 5);
    expect(gone).toBeInstanceOf(GroupGoneError);
    expect((gone as GroupGoneError).groupId).toBe('5');
    expect(wrapContractError(new ContractError('x', 'EPERM', 'sigsend'), 5)).toBeInstanceOf(PermissionError);
    expect(wrapContractError(new ContractError('x', 'EACCES', 'open'), 5)).toBeInstanceOf(PermissionError);
    const other = wrapContractError(new ContractError('x', 'ENOTEMPTY', 'ct_ctl_abandon'), 5);
    expect(ContractBackendError.isInstance(other)).toBe(true);
    expect(other).toMatchObject({ code: 'ERR_PG_CONTRACT', errno: 'ENOTEMPTY' });
    const plain = new Error('not ours');
    expect(wrapContractError(plain, 5)).toBe(plain);
  });
});

describe('ps output', () => {
  it('keeps asked-for pids with ppid and the command line (spaces included)', () => {
    const text = '  1240   1234 /usr/bin/sleep 100\n  1241   1240 sh -c while :; do :; done\n 999 1 other\n';
    expect(parsePs(text, new Set([1240, 1241]))).toEqual([
      { pid: 1240, ppid: 1234, command: '/usr/bin/sleep 100' },
      { pid: 1241, ppid: 1240, command: 'sh -c while :; do :; done' },
    ]);
  });
});
