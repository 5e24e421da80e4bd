import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ContractError } from '@pg/contract';
import { describe, expect, it } from 'vitest';
import { BackendUnavailableError, GroupGoneError, PermissionError, ProcessGroupError } from '../../errors/index.js';
import { wrapContractError } from './errors.js';
import { contractBackend } from './index.js';
import { parsePs } from './ps.js';

const offIllumos = process.platform !== 'sunos';

describe('contract backend off illumos', () => {
  it.runIf(offIllumos)('probes unavailable, naming the platform', async () => {
    expect(await contractBackend.probe()).toEqual({
      backend: 'contract',
      available: false,
      reason: `not illumos (process.platform is ${process.platform})`,
    });
  });

  it.runIf(offIllumos)('spawn and attach fail with BackendUnavailableError carrying the reason', async () => {
    const request = { file: '/bin/true', args: [], cwd: undefined, env: process.env, stdio: 'ignore' as const, name: undefined, limits: undefined };
    await expect(contractBackend.spawn(request)).rejects.toBeInstanceOf(BackendUnavailableError);
    await expect(contractBackend.attach('12')).rejects.toThrow(/not illumos/);
  });

  it('recognizes contract ids only', () => {
    expect(['1', '57', '2147483647'].map(contractBackend.recognizes)).toEqual([true, true, true]);
    expect(['0', '-1', '2147483648', 'x', '/sys/fs/cgroup/a', '01'].map(contractBackend.recognizes)).toEqual([false, false, false, false, false, false]);
  });

  it('states its guarantees, with the untested status among the limits', () => {
    const g = contractBackend.guarantees();
    expect(g.daemonsStayMembers && g.atomicKill && g.emptyEvent).toBe(true);
    expect(g.limits.join('\n')).toMatch(/not yet run on a real illumos machine/);
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

describe('contract errors become pg errors', () => {
  it('ENOENT → GroupGoneError, EPERM → PermissionError, others keep their code in errno', () => {
    const gone = wrapContractError(new ContractError('x', 'ENOENT', 'open'), 5);
    expect(gone).toBeInstanceOf(GroupGoneError);
    expect((gone as GroupGoneError).groupId).toBe('5');
    expect(wrapContractError(new ContractError('x', 'EPERM', 'sigsend'), 5)).toBeInstanceOf(PermissionError);
    const other = wrapContractError(new ContractError('x', 'ENOTEMPTY', 'ct_ctl_abandon'), 5) as ProcessGroupError;
    expect([other.code, other.errno]).toEqual(['ERR_PG_CONTRACT', 'ENOTEMPTY']);
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
