import { describe, expect, it } from 'vitest';
import { CT_PR_EV, CT_PR_PARAM } from './constants.js';
import { abandonWith } from './ctl.js';
import { openEventsWith, waitForEmptyWith } from './events.js';
import { signalContractWith } from './sigsend.js';
import { latestContractWith, readStatusWith } from './status.js';
import { openTemplateWith } from './template.js';
import { FakeLibcontract } from './testing/fake-libcontract.js';

const { EMPTY, HWERR, CORE, SIGNAL, FORK } = CT_PR_EV;

/** The terms a template carries, as the fake kernel copies them at activation. */
function activated(fake: FakeLibcontract, terms: Parameters<typeof openTemplateWith>[1]) {
  const template = openTemplateWith(fake, terms);
  template.activate();
  template.close();
  return fake.kernel.activeTemplate;
}

describe('kernel rules issue 22.5 asks the fake libcontract to model', () => {
  it('fake libcontract: the active template and latest are per thread (LWP): a fork on another thread is outside any new contract', () => {
    const fake = new FakeLibcontract();
    const template = openTemplateWith(fake, { params: ['noorphan'] });
    template.activate();
    // A threadpool thread (an async fs call, a koffi .async call) forks: no template there.
    expect(fake.kernel.onThread(2, () => fake.kernel.fork(7000))).toBeUndefined();
    expect(fake.kernel.onThread(2, () => latestContractWith(fake))).toBeUndefined();
    const ctid = fake.kernel.fork(7001);
    expect(latestContractWith(fake)).toBe(ctid);
    expect(fake.kernel.onThread(2, () => latestContractWith(fake))).toBeUndefined();
    template.clear();
    template.close();
    expect(readStatusWith(fake, fake.kernel.self.contract, 'all').members).toContain(7000);
  });

  it('fake libcontract: a NOORPHAN abandon posts SIGKILL only to what the creator may kill; the members leave later, so the contract reads orphan first', async () => {
    const fake = new FakeLibcontract();
    const c = fake.kernel.addContract({ members: [7100, 7101], terms: { params: CT_PR_PARAM.NOORPHAN } });
    fake.kernel.unsignallable.add(7101); // setuid: the creator may not signal it
    abandonWith(fake, c.id);
    expect(fake.kernel.signals).toEqual([{ pid: 7100, signal: 9 }]);
    expect(readStatusWith(fake, c.id, 'all')).toMatchObject({ state: 'orphan', members: [7100, 7101] });
    await new Promise((resolve) => setImmediate(resolve));
    expect(readStatusWith(fake, c.id, 'all')).toMatchObject({ state: 'orphan', members: [7101] });
    // sigsend reaches nobody it may signal: EPERM, not ESRCH.
    expect(() => signalContractWith(fake, c.id, 9)).toThrow(expect.objectContaining({ code: 'EPERM' }));
  });

  it('fake libcontract: sigsend skips a member still being forked (SIDL), and answers 0 when it reached one of several', () => {
    const fake = new FakeLibcontract();
    const c = fake.kernel.addContract({ members: [7200] });
    fake.kernel.memberFork(7200, 7201, { sidl: true });
    fake.kernel.memberFork(7200, 7202);
    fake.kernel.unsignallable.add(7202);
    expect(signalContractWith(fake, c.id, 15)).toBe(true); // 7202 refused, 7201 skipped: still 0
    expect(fake.kernel.signals).toEqual([{ pid: 7200, signal: 15 }]);
    expect(fake.kernel.psinfo(7201)).toBeUndefined(); // procfs hides SIDL
    fake.kernel.finishFork(7201);
    expect(fake.kernel.psinfo(7201)).toMatchObject({ ppid: 7200, contract: c.id });
  });

  it('fake libcontract: setting the fatal set moves every critical event to informative when the critical set is no longer allowed (the kernel’s precedence slip empties it)', () => {
    const fake = new FakeLibcontract();
    // Default critical EMPTY|HWERR; fatal without HWERR makes HWERR excess: all of it moves, EMPTY too.
    expect(activated(fake, { fatal: [] })).toMatchObject({ critical: 0, informative: CORE | SIGNAL | EMPTY | HWERR, fatal: 0 });
    // The order svc.startd and pg use (fatal, then critical) ends with what was asked.
    expect(activated(fake, { informative: [], fatal: [], critical: ['empty'] })).toMatchObject({ critical: EMPTY, informative: EMPTY | HWERR });
    // Privileged: nothing moves.
    fake.kernel.self.privileged = true;
    expect(activated(fake, { fatal: [] })).toMatchObject({ critical: EMPTY | HWERR });
  });

  it('fake libcontract: PGRPONLY moves all but EMPTY from critical to informative, and then only EMPTY may be added', () => {
    const fake = new FakeLibcontract();
    expect(activated(fake, { params: ['pgrponly'] })).toMatchObject({ critical: EMPTY, informative: CORE | SIGNAL | HWERR });
    expect(() => openTemplateWith(fake, { params: ['pgrponly'], critical: ['empty', 'hwerr'] })).toThrow(expect.objectContaining({ code: 'EPERM' }));
  });

  it('fake libcontract: a pure reduction of the critical set is always allowed; adding a non-fatal event is EPERM', () => {
    const fake = new FakeLibcontract();
    // HWERR is critical by default; with it no longer fatal, keeping only HWERR is still a reduction.
    const t = openTemplateWith(fake, { informative: [], critical: ['empty', 'hwerr'] });
    fake.kernel.self.privileged = true;
    t.setFatal([]);
    fake.kernel.self.privileged = false;
    t.setCritical(['hwerr']); // a reduction: allowed although HWERR is not fatal
    expect(() => t.setCritical(['hwerr', 'fork'])).toThrow(expect.objectContaining({ code: 'EPERM' }));
    t.close();
    expect(FORK).toBe(0x2);
  });

  it('fake libcontract: another user’s events file is EPERM at the open; a contract of one’s own uid opens', () => {
    const fake = new FakeLibcontract();
    const theirs = fake.kernel.addContract({ owner: 4321, uid: 4321, members: [7300] });
    expect(() => openEventsWith(fake, theirs.id)).toThrow(expect.objectContaining({ code: 'EPERM', call: 'open' }));
    const mineElsewhere = fake.kernel.addContract({ owner: 4322, members: [7301] });
    openEventsWith(fake, mineElsewhere.id).close();
    expect(fake.openFds).toEqual([]);
  });

  it('fake libcontract: the aux goes from the template to the contract, reads back with detail all only, and is not inherited', () => {
    const fake = new FakeLibcontract();
    expect(() => openTemplateWith(fake, { aux: 'x'.repeat(8192) })).toThrow(TypeError);
    const template = openTemplateWith(fake, { aux: 'pg:1:2' });
    template.activate();
    const ctid = fake.kernel.fork(7400) as number;
    template.clear();
    template.close();
    expect(readStatusWith(fake, ctid, 'all').aux).toBe('pg:1:2');
    expect(readStatusWith(fake, ctid, 'common').aux).toBeUndefined();
    // A member's own fork joins the contract; a contract it created itself would start with ''.
    expect(fake.kernel.addContract({ members: [7401] }).aux).toBe('');
  });

  it('fake libcontract: waitForEmpty acknowledges every critical event it reads (HWERR too), as ctrun does', async () => {
    const fake = new FakeLibcontract();
    const c = fake.kernel.addContract({ members: [7500, 7501] });
    fake.kernel.fault(7500, HWERR); // critical and fatal: published, and 7501 is killed
    fake.kernel.exit(7500);
    const empty = waitForEmptyWith(fake, c.id, { maxInterval: 5 });
    expect(await empty).toBe(true);
    expect(c.events.map((e) => [e.type, e.flags])).toEqual([[HWERR, 0x1], [EMPTY, 0x1]]);
    expect(fake.calls.filter((call) => call === 'ct_ctl_ack')).toHaveLength(2);
  });
});
