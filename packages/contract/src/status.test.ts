import { describe, expect, it } from 'vitest';
import { ContractError } from './errors.js';
import { snapshotStatus, StatusHandle } from './status.js';
import { FakeLibcontract } from './testing/fake-libcontract.js';

function handleOn(fake: FakeLibcontract): StatusHandle {
  const out: [bigint | null] = [null];
  expect(fake.ct_status_read(3, 2, out)).toBe(0);
  return new StatusHandle(fake, out[0] as bigint);
}

describe('status against a fake libcontract', () => {
  it('fake libcontract: members and inherited contracts are copied out before the handle is freed, once', () => {
    const fake = new FakeLibcontract();
    fake.nextStatus = { id: 57, state: 0, holder: 1234, members: [1240, 1241], contracts: [60] };
    const status = snapshotStatus(handleOn(fake), 'all');
    expect(status).toEqual({ id: 57, state: 'owned', holder: 1234, members: [1240, 1241], inherited: [60] });
    expect(fake.calls.filter((c) => c === 'ct_status_free')).toHaveLength(1);
    expect(fake.calls.lastIndexOf('copyInts')).toBeLessThan(fake.calls.indexOf('ct_status_free'));
  });

  it('fake libcontract: the handle is freed exactly once even when a read fails (ENOENT without CTD_ALL)', () => {
    const fake = new FakeLibcontract();
    fake.nextStatus = { id: 57, state: 0, holder: 1234 };
    let error: unknown;
    try {
      snapshotStatus(handleOn(fake), 'all');
    } catch (e) {
      error = e;
    }
    expect(ContractError.isInstance(error) && error.code).toBe('ENOENT');
    expect(fake.calls.filter((c) => c === 'ct_status_free')).toHaveLength(1);
  });

  it('fake libcontract: common detail reads no members; free twice frees once; use after free throws EBADF', () => {
    const fake = new FakeLibcontract();
    fake.nextStatus = { id: 9, state: 2, holder: 0 };
    const handle = handleOn(fake);
    expect(snapshotStatus(handle, 'common')).toEqual({ id: 9, state: 'orphan', holder: 0, members: undefined, inherited: undefined });
    handle.free();
    expect(fake.calls.filter((c) => c === 'ct_status_free')).toHaveLength(1);
    expect(() => handle.members()).toThrow(expect.objectContaining({ code: 'EBADF' }));
  });
});
