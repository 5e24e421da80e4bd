import { describe, expect, it } from 'vitest';
import { abandonWith, adoptWith } from './ctl.js';
import { readStatusWith } from './status.js';
import { FakeLibcontract } from './testing/fake-libcontract.js';

describe('who may open ctl (issue 14.2) against a fake libcontract', () => {
  it('fake libcontract: a contract held by another process cannot even be opened for ctl: EACCES, not EINVAL', () => {
    const fake = new FakeLibcontract();
    const theirs = fake.kernel.addContract({ owner: 4321, members: [4322] });
    expect(() => abandonWith(fake, theirs.id)).toThrow(expect.objectContaining({ code: 'EACCES', call: 'open' }));
    expect(fake.calls).not.toContain('ct_ctl_abandon');
    expect(fake.kernel.contract(theirs.id)?.state).toBe('owned');
  });

  it('fake libcontract: an inherited contract whose regent is not this process’s contract is refused at the open (EACCES); ct_ctl_adopt is never reached', () => {
    const fake = new FakeLibcontract();
    const regent = fake.kernel.addContract({ owner: 1, members: [77], terms: { params: 0x8 } });
    const inherited = fake.kernel.addContract({ state: 'inherited', regent: regent.id, members: [78] });
    expect(() => adoptWith(fake, inherited.id)).toThrow(expect.objectContaining({ code: 'EACCES' }));
    expect(fake.calls).not.toContain('ct_ctl_adopt');
    expect(fake.openFds).toEqual([]);
  });

  it('fake libcontract: one inherited by this process’s own contract is adopted and then held here', () => {
    const fake = new FakeLibcontract();
    const inherited = fake.kernel.addContract({ state: 'inherited', regent: fake.kernel.self.contract, members: [79] });
    expect(readStatusWith(fake, fake.kernel.self.contract, 'all').inherited).toEqual([inherited.id]);
    adoptWith(fake, inherited.id);
    expect(readStatusWith(fake, inherited.id, 'common')).toMatchObject({ state: 'owned', holder: process.pid });
    expect(() => adoptWith(fake, inherited.id)).toThrow(expect.objectContaining({ code: 'EINVAL', call: 'ct_ctl_adopt' }));
  });
});
