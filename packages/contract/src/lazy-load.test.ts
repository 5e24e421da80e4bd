import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ContractError } from './errors.js';
import { libcontract, loadLibcontract } from './ffi.js';
import { contractSupport } from './support.js';

describe('loading libcontract', () => {
  it('off illumos, every call fails with EUNSUPPORTED naming the platform', () => {
    expect(process.platform).not.toBe('sunos');
    expect(() => libcontract()).toThrow(expect.objectContaining({ code: 'EUNSUPPORTED', message: expect.stringContaining(`process.platform is ${process.platform}`) }));
  });

  it('with koffi present but no libcontract.so.1, loading fails with EFFI and the loader’s message', () => {
    const result = loadLibcontract('sunos');
    expect(ContractError.isInstance(result)).toBe(true);
    expect((result as ContractError).code).toBe('EFFI');
    expect((result as ContractError).message).toMatch(/libcontract\.so\.1 could not be loaded/);
  });

  it('contractSupport reports "not illumos" with the platform, without throwing', async () => {
    expect(await contractSupport()).toEqual({ available: false, mechanism: undefined, reason: `not illumos (process.platform is ${process.platform})` });
  });

  it('importing the built package, and its testing entry, loads no koffi', () => {
    const dist = fileURLToPath(new URL('../dist/index.js', import.meta.url));
    const testing = fileURLToPath(new URL('../dist/testing.js', import.meta.url));
    const script = `
      import { createRequire } from 'node:module';
      const p = await import(${JSON.stringify(dist)});
      await import(${JSON.stringify(testing)});
      const loaded = Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('/koffi/'));
      const s = await p.contractSupport();
      console.log(JSON.stringify([loaded, typeof p.readStatus, s.available]));`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual([false, 'function', false]);
  });
});
