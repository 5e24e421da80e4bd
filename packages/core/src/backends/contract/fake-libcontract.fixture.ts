// A FAKE libcontract binding for tests on machines that are not illumos (libcontract does not
// exist here). It logs every call in order and enforces libcontract's rules: a status handle is
// freed exactly once and its member array is unusable after the free; a template must be closed.
import { ContractError, type ContractState, type TemplateTerms } from '@pg/contract';
import type { ContractBinding, StatusLease, TemplateLease } from './binding.js';

export class FakeLibcontract implements ContractBinding {
  readonly calls: string[] = [];
  /** Values `latest()` returns in turn (the last one repeats); undefined models ESRCH. */
  latestValues: (number | undefined)[] = [undefined];
  /** Contracts that exist: state, holder, members. */
  readonly contracts = new Map<number, { state: ContractState; holder: number; members: number[] }>();
  /** What sigsend answers in turn (true = delivered, false = ESRCH); the last one repeats. */
  sigsendResults: boolean[] = [false];
  /** Error thrown by the next `members()` read, once. */
  membersError: Error | undefined;
  /** Resolvers of pending `waitEmpty` calls. */
  readonly emptyWaiters: ((value: boolean) => void)[] = [];
  frees = 0;

  openTemplate(terms: TemplateTerms): TemplateLease {
    this.calls.push(`openTemplate(${terms.params?.join(',')})`);
    return {
      activate: () => void this.calls.push('activate'),
      clear: () => void this.calls.push('clear'),
      close: () => void this.calls.push('closeTemplate'),
    };
  }

  latest(): number | undefined {
    this.calls.push('latest');
    return this.latestValues.length > 1 ? this.latestValues.shift() : this.latestValues[0];
  }

  openStatus(ctid: number): StatusLease {
    this.calls.push(`openStatus(${ctid})`);
    const c = this.contracts.get(ctid);
    if (c === undefined) throw new ContractError(`contract ${ctid} does not exist`, 'ENOENT', 'open');
    let freed = false;
    const members = [...c.members];
    return {
      state: c.state,
      holder: c.holder,
      members: () => {
        this.calls.push('members');
        if (freed) throw new Error('fake libcontract: member array read after ct_status_free');
        const error = this.membersError;
        this.membersError = undefined;
        if (error !== undefined) throw error;
        return [...members];
      },
      free: () => {
        this.calls.push('free');
        if (freed) throw new Error('fake libcontract: double ct_status_free');
        freed = true;
        this.frees++;
      },
    };
  }

  sigsend(ctid: number, signal: number): boolean {
    this.calls.push(`sigsend(${ctid},${signal})`);
    return this.sigsendResults.length > 1 ? (this.sigsendResults.shift() as boolean) : (this.sigsendResults[0] ?? false);
  }

  abandon(ctid: number): void {
    this.calls.push(`abandon(${ctid})`);
    const c = this.contracts.get(ctid);
    if (c === undefined) throw new ContractError(`contract ${ctid} does not exist`, 'ENOENT', 'open');
    if (c.members.length === 0) this.contracts.delete(ctid);
    else c.state = 'orphan';
  }

  adopt(ctid: number): void {
    this.calls.push(`adopt(${ctid})`);
  }

  waitEmpty(ctid: number, abort: AbortSignal): Promise<boolean> {
    this.calls.push(`waitEmpty(${ctid})`);
    return new Promise((resolve) => {
      this.emptyWaiters.push(resolve);
      abort.addEventListener('abort', () => resolve(false), { once: true });
    });
  }

  async contractIds(): Promise<number[]> {
    return [...this.contracts.keys()];
  }
}
