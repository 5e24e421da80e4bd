import { describe, expect, it } from 'vitest';
import { ContractError } from './errors.js';
import { latestContractWith, readStatusHandle, readStatusWith, snapshotStatus } from './status.js';
import { FakeLibcontract } from './testing/fake-libcontract.js';

describe('status against a fake libcontract', () => {
  it('fake libcontract: members and inherited contracts are copied out before the handle is freed, once', () => {
    const fake = new FakeLibcontract();
    const c = fake.kernel.addContract({ members: [1240, 1241], aux: 'pg:1:2', fmri: 'svc:/site/app:default', creator: 'node' });
    const child = fake.kernel.addContract({ state: 'inherited', regent: c.id });
    const status = readStatusWith(fake, c.id, 'all');
    expect(status).toEqual({ id: c.id, state: 'owned', holder: process.pid, params: [], members: [1240, 1241], inherited: [child.id], aux: 'pg:1:2', fmri: 'svc:/site/app:default', creator: 'node' });
    expect(fake.calls.filter((call) => call === 'ct_status_free')).toHaveLength(1);
    expect(fake.calls.lastIndexOf('copyInts')).toBeLessThan(fake.calls.indexOf('ct_status_free'));
    expect(fake.calls.lastIndexOf('copyString')).toBeLessThan(fake.calls.indexOf('ct_status_free'));
    expect(fake.openFds).toEqual([]);
  });

  it('fake libcontract: the handle is freed exactly once even when a read fails (ENOENT without CTD_ALL)', () => {
    const fake = new FakeLibcontract();
    const c = fake.kernel.addContract({ members: [7] });
    let error: unknown;
    try {
      snapshotStatus(readStatusHandle(fake, c.id, 'common'), 'all');
    } catch (e) {
      error = e;
    }
    expect(ContractError.isInstance(error) && error.code).toBe('ENOENT');
    expect(fake.calls.filter((call) => call === 'ct_status_free')).toHaveLength(1);
  });

  it('fake libcontract: common detail reads no members; free twice frees once; use after free throws EBADF', () => {
    const fake = new FakeLibcontract();
    const c = fake.kernel.addContract({ state: 'orphan', members: [9] });
    const handle = readStatusHandle(fake, c.id, 'common');
    expect(snapshotStatus(handle, 'common')).toEqual({ id: c.id, state: 'orphan', holder: 0, params: undefined, members: undefined, inherited: undefined, aux: undefined, fmri: undefined, creator: undefined });
    handle.free();
    expect(fake.calls.filter((call) => call === 'ct_status_free')).toHaveLength(1);
    expect(() => handle.members()).toThrow(expect.objectContaining({ code: 'EBADF' }));
  });

  it('fake libcontract: a contract that does not exist is ENOENT, and no latest is undefined (ESRCH)', () => {
    const fake = new FakeLibcontract();
    expect(() => readStatusWith(fake, 4242, 'all')).toThrow(expect.objectContaining({ code: 'ENOENT', message: expect.stringContaining('contract 4242 does not exist') }));
    expect(latestContractWith(fake)).toBeUndefined();
    fake.kernel.activeTemplate = { params: 0, critical: 1, informative: 0, fatal: 0x20 };
    const ctid = fake.kernel.fork(5000);
    expect(latestContractWith(fake)).toBe(ctid);
  });
});
