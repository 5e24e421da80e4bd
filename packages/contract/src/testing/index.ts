/**
 * `@pg/contract/testing`: a FAKE libcontract for tests on machines that are not illumos. It
 * stands in for libcontract.so.1 and the libc calls below `Contracts`, modelling the kernel
 * checks that decide correctness (ctfs open flags, who may open `ctl` and `events`, adopt and
 * abandon, the per-thread template and `latest`, the critical-set rules, NOORPHAN kills posted
 * to what the creator may kill, SIDL members skipped by `sigsend` and hidden by procfs, the
 * EMPTY event of an abandoned contract), so code built on `Contracts` can be tested unchanged.
 * `fake.kernel` is also a `ProcessFacts` (psinfo, permission, clock) for its member processes.
 * Tests that use it must say so in their names: nothing here has the real kernel behind it.
 */
import { Contracts } from '../contracts.js';
import { FakeLibcontract } from './fake-libcontract.js';

export { FakeLibcontract } from './fake-libcontract.js';
export { FakeKernel, DEFAULT_TERMS, type FakeContract, type FakeContractInit, type FakeEvent, type FakeTerms } from './fake-kernel.js';

/** A `Contracts` over `fake` (a new fake when none is given), the fake returned alongside. */
export function contractsOver(fake = new FakeLibcontract()): { contracts: Contracts; fake: FakeLibcontract } {
  return { contracts: new Contracts(fake), fake };
}
