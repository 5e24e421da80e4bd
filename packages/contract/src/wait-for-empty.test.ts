import { describe, expect, it } from 'vitest';
import { abandonWith } from './ctl.js';
import { openEventsWith, waitForEmptyWith } from './events.js';
import { FakeLibcontract } from './testing/fake-libcontract.js';

const NOORPHAN = 0x2;

describe('waitForEmpty (issue 14.6) against a fake libcontract', { timeout: 5000 }, () => {
  it('fake libcontract: resolves on the EMPTY event and acknowledges it', async () => {
    const fake = new FakeLibcontract();
    const c = fake.kernel.addContract({ members: [600] });
    const waiting = waitForEmptyWith(fake, c.id, { maxInterval: 5 });
    fake.kernel.exit(600);
    expect(await waiting).toBe(true);
    expect(fake.calls).toContain('ct_ctl_ack');
    expect(c.events.map((e) => e.flags)).toEqual([0x1]); // CTE_ACK
    expect(fake.openFds).toEqual([]);
  });

  it('fake libcontract: the kernel publishes the EMPTY of an abandoned contract already acknowledged: a critical read never sees it', () => {
    const fake = new FakeLibcontract();
    const c = fake.kernel.addContract({ members: [601] });
    const stream = openEventsWith(fake, c.id);
    abandonWith(fake, c.id);
    fake.kernel.exit(601);
    stream.reset();
    expect(stream.readCritical()).toBeUndefined(); // EAGAIN, never EIDRM
    stream.close();
  });

  it('fake libcontract: rejects with ENOTHELD once the contract is abandoned with members left, instead of waiting forever', async () => {
    const fake = new FakeLibcontract();
    const c = fake.kernel.addContract({ members: [602] });
    const waiting = waitForEmptyWith(fake, c.id, { maxInterval: 5 });
    abandonWith(fake, c.id); // orphaned, 602 still runs
    await expect(waiting).rejects.toMatchObject({ code: 'ENOTHELD', message: expect.stringContaining('orphaned') });
    expect(fake.openFds).toEqual([]);
  });

  it('fake libcontract: resolves true when the abandoned contract was emptied and destroyed (noorphan), waiting while the posted kills land', async () => {
    const fake = new FakeLibcontract();
    const c = fake.kernel.addContract({ members: [603, 605], terms: { params: NOORPHAN } });
    fake.kernel.unsignallable.add(605); // the creator may not kill it: it survives the abandon
    const waiting = waitForEmptyWith(fake, c.id, { maxInterval: 5 });
    abandonWith(fake, c.id);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(c).toMatchObject({ state: 'orphan', members: [605] }); // still waiting, not ENOTHELD
    fake.kernel.exit(605);
    expect(await waiting).toBe(true);
    expect(c.state).toBe('dead');
  });

  it('fake libcontract: resolves false when aborted', async () => {
    const fake = new FakeLibcontract();
    const c = fake.kernel.addContract({ members: [604] });
    const abort = new AbortController();
    const waiting = waitForEmptyWith(fake, c.id, { signal: abort.signal, maxInterval: 5 });
    abort.abort();
    expect(await waiting).toBe(false);
    expect(fake.openFds).toEqual([]);
  });
});
