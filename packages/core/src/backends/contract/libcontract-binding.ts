import {
  abandon,
  adopt,
  latestContract,
  processContractIds,
  ProcessTemplate,
  signalContract,
  StatusHandle,
  waitForEmpty,
} from '@pg/contract';
import type { ContractBinding } from './binding.js';

/**
 * The real binding: `@pg/contract` over koffi and libcontract.so.1. Every call is synchronous
 * on the main thread except `waitEmpty`, which polls a non-blocking event fd on a timer.
 */
export const libcontractBinding: ContractBinding = {
  openTemplate: (terms) => ProcessTemplate.open(terms),
  latest: () => latestContract(),
  openStatus: (ctid) => {
    const handle = StatusHandle.read(ctid, 'all');
    try {
      return { state: handle.state, holder: handle.holder, members: () => handle.members(), free: () => handle.free() };
    } catch (error) {
      // The caller gets no lease to free, so free here: exactly once either way.
      handle.free();
      throw error;
    }
  },
  sigsend: (ctid, signal) => signalContract(ctid, signal),
  abandon: (ctid) => abandon(ctid),
  adopt: (ctid) => adopt(ctid),
  waitEmpty: (ctid, abort) => waitForEmpty(ctid, { signal: abort }),
  contractIds: () => processContractIds(),
};
