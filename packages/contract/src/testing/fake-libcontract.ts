// A FAKE libcontract for tests on machines that are not illumos (no such library exists here).
// It records every call in order and models the one memory rule that matters: arrays returned by
// ct_pr_status_get_members/contracts live inside the status handle and die with it.
import type { Libcontract, Out, Pointer } from '../ffi.js';

export interface FakeStatus {
  id: number;
  state: number;
  holder: number;
  /** undefined: the handle was read with less than CTD_ALL (the call returns ENOENT = 2). */
  members?: number[];
  contracts?: number[];
}

export interface FakeEvent {
  type: number;
  ctid: number;
  evid: bigint;
}

/** The fake, with its call log and knobs. Named as a fake on purpose. */
export class FakeLibcontract implements Libcontract {
  readonly calls: string[] = [];
  /** The status the next ct_status_read returns. */
  nextStatus: FakeStatus = { id: 1, state: 0, holder: 1 };
  /** Results of ct_* int calls by name (default 0). */
  results = new Map<string, number>();
  /** Queued critical events; an empty queue answers EAGAIN (11). */
  events: FakeEvent[] = [];
  /** What sigsend answers, in turn: 0, or an errno (then it returns -1). */
  sigsendErrnos: number[] = [];
  #errno = 0;
  #nextHandle = 1n;
  readonly #statuses = new Map<Pointer, FakeStatus>();
  readonly #eventHandles = new Map<Pointer, FakeEvent>();
  /** Array pointer → [owning handle, values]. */
  readonly #arrays = new Map<Pointer, [Pointer, number[]]>();
  readonly freed: Pointer[] = [];

  #int(name: string): number {
    this.calls.push(name);
    return this.results.get(name) ?? 0;
  }
  #alive(handle: Pointer, call: string): void {
    if (this.freed.includes(handle)) throw new Error(`fake libcontract: ${call} on freed handle ${handle}`);
  }

  ct_tmpl_activate = () => this.#int('ct_tmpl_activate');
  ct_tmpl_clear = () => this.#int('ct_tmpl_clear');
  ct_tmpl_set_critical = () => this.#int('ct_tmpl_set_critical');
  ct_tmpl_set_informative = () => this.#int('ct_tmpl_set_informative');
  ct_pr_tmpl_set_fatal = () => this.#int('ct_pr_tmpl_set_fatal');
  ct_pr_tmpl_set_param = () => this.#int('ct_pr_tmpl_set_param');
  ct_status_read = (_fd: number, _detail: number, out: Out<Pointer>) => {
    const r = this.#int('ct_status_read');
    if (r !== 0) return r;
    const handle = this.#nextHandle++;
    this.#statuses.set(handle, structuredClone(this.nextStatus));
    out[0] = handle;
    return 0;
  };
  ct_status_free = (handle: Pointer) => {
    this.calls.push('ct_status_free');
    if (this.freed.includes(handle)) throw new Error(`fake libcontract: double free of status handle ${handle}`);
    if (!this.#statuses.has(handle)) throw new Error(`fake libcontract: free of unknown pointer ${handle}`);
    this.freed.push(handle);
  };
  #status(handle: Pointer, call: string): FakeStatus {
    this.calls.push(call);
    this.#alive(handle, call);
    const s = this.#statuses.get(handle);
    if (s === undefined) throw new Error(`fake libcontract: ${call} on unknown handle`);
    return s;
  }
  ct_status_get_id = (h: Pointer) => this.#status(h, 'ct_status_get_id').id;
  ct_status_get_state = (h: Pointer) => this.#status(h, 'ct_status_get_state').state;
  ct_status_get_holder = (h: Pointer) => this.#status(h, 'ct_status_get_holder').holder;
  #array(h: Pointer, call: string, values: number[] | undefined, p: Out<Pointer>, n: Out<number>): number {
    this.#status(h, call);
    if (values === undefined) return 2; // ENOENT: read with CTD_COMMON
    const pointer = this.#nextHandle++;
    this.#arrays.set(pointer, [h, values]);
    p[0] = pointer;
    n[0] = values.length;
    return 0;
  }
  ct_pr_status_get_members = (h: Pointer, p: Out<Pointer>, n: Out<number>) => this.#array(h, 'ct_pr_status_get_members', this.#statuses.get(h)?.members, p, n);
  ct_pr_status_get_contracts = (h: Pointer, p: Out<Pointer>, n: Out<number>) => this.#array(h, 'ct_pr_status_get_contracts', this.#statuses.get(h)?.contracts, p, n);
  copyInts = (pointer: Pointer, n: number) => {
    this.calls.push('copyInts');
    const entry = this.#arrays.get(pointer);
    if (entry === undefined) throw new Error('fake libcontract: copy from unknown pointer');
    this.#alive(entry[0], 'copyInts (array of a freed status)');
    return entry[1].slice(0, n);
  };
  ct_event_read = (_fd: number, out: Out<Pointer>) => this.#event('ct_event_read', out);
  ct_event_read_critical = (_fd: number, out: Out<Pointer>) => this.#event('ct_event_read_critical', out);
  #event(call: string, out: Out<Pointer>): number {
    this.calls.push(call);
    const event = this.events.shift();
    if (event === undefined) return 11; // EAGAIN on an O_NONBLOCK fd
    const handle = this.#nextHandle++;
    this.#eventHandles.set(handle, event);
    out[0] = handle;
    return 0;
  }
  ct_event_reset = () => this.#int('ct_event_reset');
  ct_event_free = (h: Pointer) => {
    this.calls.push('ct_event_free');
    if (this.freed.includes(h)) throw new Error(`fake libcontract: double free of event ${h}`);
    this.freed.push(h);
  };
  #ev(h: Pointer, call: string): FakeEvent {
    this.calls.push(call);
    this.#alive(h, call);
    const e = this.#eventHandles.get(h);
    if (e === undefined) throw new Error('fake libcontract: unknown event handle');
    return e;
  }
  ct_event_get_type = (h: Pointer) => this.#ev(h, 'ct_event_get_type').type;
  ct_event_get_ctid = (h: Pointer) => this.#ev(h, 'ct_event_get_ctid').ctid;
  ct_event_get_evid = (h: Pointer) => this.#ev(h, 'ct_event_get_evid').evid;
  ct_ctl_abandon = () => this.#int('ct_ctl_abandon');
  ct_ctl_adopt = () => this.#int('ct_ctl_adopt');
  ct_ctl_ack = () => this.#int('ct_ctl_ack');
  sigsend = (idtype: number, id: number, signal: number) => {
    this.calls.push(`sigsend(${idtype},${id},${signal})`);
    const errno = this.sigsendErrnos.shift() ?? 3;
    this.#errno = errno;
    return errno === 0 ? 0 : -1;
  };
  errno = () => this.#errno;
}
