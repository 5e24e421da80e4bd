import { describe, expect, it } from 'vitest';
import { contractDir, F_GETFD, FD_CLOEXEC, LATEST_PATH, O, TEMPLATE_PATH } from './constants.js';
import { abandonWith } from './ctl.js';
import { ContractError } from './errors.js';
import { openEventsWith } from './events.js';
import { latestContractWith, readStatusWith } from './status.js';
import { templateProblemWith } from './support.js';
import { openTemplateWith } from './template.js';
import { FakeLibcontract } from './testing/fake-libcontract.js';

const EINVAL = 22;

/** A fake that records the flags of every open and whether each fd was close-on-exec when closed. */
function watchedFake() {
  const fake = new FakeLibcontract();
  const opens: { path: string; flags: number }[] = [];
  const cloexecAtClose: boolean[] = [];
  const open = fake.open;
  const close = fake.close;
  fake.open = (path, flags) => (opens.push({ path, flags }), open(path, flags));
  fake.close = (fd) => (cloexecAtClose.push(fake.fcntl(fd, F_GETFD, 0) === FD_CLOEXEC), close(fd));
  return { fake, opens, cloexecAtClose };
}

describe('ctfs opens (issue 14.1) against a fake libcontract', () => {
  it('fake libcontract: the kernel model refuses O_CLOEXEC on template, latest, ctl and events with EINVAL, as ctfs does', () => {
    const fake = new FakeLibcontract();
    fake.kernel.activeTemplate = { params: 0, critical: 1, informative: 0, fatal: 0x20 };
    const ctid = fake.kernel.fork(500) as number;
    const dir = contractDir(ctid);
    for (const [path, flags] of [[TEMPLATE_PATH, O.RDWR], [LATEST_PATH, O.RDONLY], [`${dir}/ctl`, O.WRONLY], [`${dir}/events`, O.RDONLY | O.NONBLOCK]] as const) {
      expect(fake.open(path, flags | O.CLOEXEC), path).toBe(-EINVAL);
      const fd = fake.open(path, flags);
      expect(fd, path).toBeGreaterThan(0);
      fake.close(fd);
    }
    // status is opened through ctfs_open, which only refuses writing.
    const status = fake.open(`${dir}/status`, O.RDONLY | O.CLOEXEC);
    expect(status).toBeGreaterThan(0);
    fake.close(status);
  });

  it('fake libcontract: every open of a contract’s life goes through libc open without O_CLOEXEC, then FD_CLOEXEC is set by fcntl', () => {
    const { fake, opens, cloexecAtClose } = watchedFake();
    const template = openTemplateWith(fake, { params: ['noorphan'], informative: [], fatal: ['hwerr'], critical: ['empty', 'hwerr'] });
    template.activate();
    const forked = fake.kernel.fork(501);
    const ctid = latestContractWith(fake);
    template.clear();
    template.close();
    expect(ctid).toBe(forked);
    expect(readStatusWith(fake, ctid as number, 'all').members).toEqual([501]);
    const events = openEventsWith(fake, ctid as number);
    events.close();
    abandonWith(fake, ctid as number);

    expect(opens.map((o) => o.path)).toEqual([TEMPLATE_PATH, LATEST_PATH, `${contractDir(ctid as number)}/status`, `${contractDir(ctid as number)}/events`, `${contractDir(ctid as number)}/ctl`]);
    expect(opens.every((o) => (o.flags & O.CLOEXEC) === 0)).toBe(true);
    expect(cloexecAtClose).toEqual(opens.map(() => true));
    expect(fake.openFds).toEqual([]);
    expect(fake.kernel.signals).toEqual([{ pid: 501, signal: 9 }]); // noorphan: abandon killed it
  });

  it('fake libcontract: a template that cannot be opened is a ContractError with its code (issue 14.4), not a raw system error', () => {
    const fake = new FakeLibcontract();
    fake.failNext('open', 24); // EMFILE
    let error: unknown;
    try {
      openTemplateWith(fake, {});
    } catch (e) {
      error = e;
    }
    expect(ContractError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'EMFILE', call: 'open', message: expect.stringContaining(TEMPLATE_PATH) });
  });

  it('fake libcontract: the probe opens a template the same way, and closes it', () => {
    const { fake, opens, cloexecAtClose } = watchedFake();
    expect(templateProblemWith(fake)).toBeUndefined();
    expect(opens).toEqual([{ path: TEMPLATE_PATH, flags: O.RDWR }]);
    expect(cloexecAtClose).toEqual([true]);
    expect(fake.openFds).toEqual([]);
    fake.failNext('open', EINVAL);
    expect(templateProblemWith(fake)).toMatch(/a process template cannot be opened .*EINVAL/);
  });
});
