import { openSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ContractEventStream } from './events.js';
import { signalContractWith } from './sigsend.js';
import { ProcessTemplate } from './template.js';
import { FakeLibcontract } from './testing/fake-libcontract.js';

/** A real fd for the objects to close (they close it themselves); the fake never reads it. */
function devNull(): number {
  return openSync('/dev/null', 'r');
}

describe('events, sigsend and templates against a fake libcontract', () => {
  it('fake libcontract: critical events are copied then freed once each; an empty queue (EAGAIN) is undefined', () => {
    const fake = new FakeLibcontract();
    fake.events = [{ type: 0x20, ctid: 57, evid: 4n }, { type: 0x1, ctid: 57, evid: 5n }];
    const stream = new ContractEventStream(fake, devNull());
    stream.reset();
    expect(stream.readCritical()).toEqual({ type: 'hwerr', typeBits: 0x20, ctid: 57, evid: 4n });
    expect(stream.readCritical()).toEqual({ type: 'empty', typeBits: 0x1, ctid: 57, evid: 5n });
    expect(stream.readCritical()).toBeUndefined();
    stream.close();
    expect(fake.calls.filter((c) => c === 'ct_event_free')).toHaveLength(2);
    expect(fake.calls[0]).toBe('ct_event_reset');
  });

  it('fake libcontract: sigsend(P_CTID = 13) is -1/errno: ESRCH means no member, EPERM throws', () => {
    const fake = new FakeLibcontract();
    fake.sigsendErrnos = [0, 3, 1];
    expect(signalContractWith(fake, 57, 9)).toBe(true);
    expect(signalContractWith(fake, 57, 9)).toBe(false);
    expect(() => signalContractWith(fake, 57, 9)).toThrow(expect.objectContaining({ code: 'EPERM', call: 'sigsend' }));
    expect(fake.calls).toEqual(['sigsend(13,57,9)', 'sigsend(13,57,9)', 'sigsend(13,57,9)']);
  });

  it('fake libcontract: a template call returning an errno value (not -1) throws with its code', () => {
    const fake = new FakeLibcontract();
    fake.results.set('ct_pr_tmpl_set_param', 22);
    const template = new ProcessTemplate(fake, devNull());
    expect(() => template.setParams(['noorphan'])).toThrow(expect.objectContaining({ code: 'EINVAL', call: 'ct_pr_tmpl_set_param' }));
    template.activate();
    template.clear();
    template.close();
    template.close();
    expect(() => template.activate()).toThrow(expect.objectContaining({ code: 'EBADF' }));
  });
});
