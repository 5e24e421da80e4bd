import { describe, expect, it } from 'vitest';
import { CT_PR_EV } from './constants.js';
import { openEventsWith } from './events.js';
import { signalContractWith } from './sigsend.js';
import { openTemplateWith } from './template.js';
import { FakeLibcontract } from './testing/fake-libcontract.js';

describe('events, sigsend and templates against a fake libcontract', () => {
  it('fake libcontract: critical events are copied then freed once each; informative ones are skipped; an empty queue (EAGAIN) is undefined', () => {
    const fake = new FakeLibcontract();
    const c = fake.kernel.addContract({ members: [300], terms: { critical: CT_PR_EV.EMPTY } });
    fake.kernel.exit(300); // EMPTY: critical
    const stream = openEventsWith(fake, c.id);
    stream.reset();
    expect(stream.readCritical()).toEqual({ type: 'empty', typeBits: 0x1, ctid: c.id, evid: expect.any(BigInt) });
    expect(stream.readCritical()).toBeUndefined();
    stream.close();
    stream.close();
    expect(fake.calls.filter((call) => call === 'ct_event_free')).toHaveLength(1);
    expect(fake.openFds).toEqual([]);

    const quiet = fake.kernel.addContract({ members: [301], terms: { critical: 0, informative: CT_PR_EV.EMPTY } });
    fake.kernel.exit(301); // EMPTY informative, not critical
    const other = openEventsWith(fake, quiet.id);
    expect(other.readCritical()).toBeUndefined();
    expect(other.read()).toMatchObject({ type: 'empty', ctid: quiet.id });
    other.close();
  });

  it('fake libcontract: sigsend(P_CTID = 13) is -1/errno: ESRCH means no member, EPERM throws', () => {
    const fake = new FakeLibcontract();
    const c = fake.kernel.addContract({ members: [400] });
    expect(signalContractWith(fake, c.id, 15)).toBe(true);
    expect(fake.kernel.signals).toEqual([{ pid: 400, signal: 15 }]);
    fake.kernel.unsignallable.add(400);
    expect(() => signalContractWith(fake, c.id, 15)).toThrow(expect.objectContaining({ code: 'EPERM', call: 'sigsend' }));
    fake.kernel.unsignallable.clear();
    expect(signalContractWith(fake, c.id, 9)).toBe(true);
    fake.kernel.settle(); // the SIGKILL lands: 400 exits
    expect(signalContractWith(fake, c.id, 9)).toBe(false);
    expect(fake.calls.filter((call) => call.startsWith('sigsend'))).toEqual([`sigsend(13,${c.id},15)`, `sigsend(13,${c.id},15)`, `sigsend(13,${c.id},9)`, `sigsend(13,${c.id},9)`]);
  });

  it('fake libcontract: a template call returning an errno value (not -1) throws with its code; close twice is harmless', () => {
    const fake = new FakeLibcontract();
    const template = openTemplateWith(fake, {});
    fake.failNext('ct_pr_tmpl_set_param', 22);
    expect(() => template.setParams(['noorphan'])).toThrow(expect.objectContaining({ code: 'EINVAL', call: 'ct_pr_tmpl_set_param' }));
    template.activate();
    template.clear();
    template.close();
    template.close();
    expect(() => template.activate()).toThrow(expect.objectContaining({ code: 'EBADF' }));
    expect(fake.openFds).toEqual([]);
  });

  it('fake libcontract: the kernel refuses a critical event that is neither EMPTY nor fatal (unprivileged: EPERM), and the fd is closed', () => {
    const fake = new FakeLibcontract();
    expect(() => openTemplateWith(fake, { fatal: ['hwerr'], critical: ['empty', 'fork'] })).toThrow(expect.objectContaining({ code: 'EPERM', call: 'ct_tmpl_set_critical' }));
    expect(fake.openFds).toEqual([]);
  });
});
