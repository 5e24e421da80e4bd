/**
 * `@pg/contract`: illumos process contracts for Node. Templates, status, events, ctl and
 * `sigsend(P_CTID)` through koffi and `libcontract.so.1`, with the commands illumos ships
 * (`ctrun`, `ctstat`, `pgrep -c`, `pkill -c`) as the fallback where koffi is missing (koffi has
 * no illumos build). Nothing is loaded at import; off illumos every call throws ContractError
 * `'EUNSUPPORTED'` and `contractSupport()` says why. `Contracts` bundles every operation over
 * one libcontract, so that code can run over the fake of `@pg/contract/testing`. Written from
 * the illumos sources and not yet run on a real illumos machine.
 */
export { ContractError } from './errors.js';
export { CT_PR_EV, CT_PR_ALLEVENT, CT_PR_ALLFATAL, CT_PR_PARAM, CT_PR_ALLPARAM, CTD, CTS, CTE, P_CTID, CTFS, contractDir } from './constants.js';
export { eventName, stateName, type ContractEventName, type ContractParam, type ContractState } from './names.js';
export { ProcessTemplate, type TemplateTerms } from './template.js';
export { StatusHandle, readStatus, latestContract, type ContractStatus, type StatusDetail } from './status.js';
export { ContractEventStream, waitForEmpty, type ContractEvent, type WaitOptions } from './events.js';
export { abandon, adopt, ack } from './ctl.js';
export { signalContract } from './sigsend.js';
export { contractSupport, requireContracts, type ContractSupport } from './support.js';
export { TOOLS, runTool, type CommandResult } from './cli/run.js';
export { parseCtstat, ctstatContract, ctstatProcessContracts, ctstatProcessRows, type CtstatEntry } from './cli/ctstat.js';
export { ctrunArgs, CTRUN_EXIT, type CtrunOptions } from './cli/ctrun.js';
export { pgrepContract, pkillContract, parsePids } from './cli/pgrep.js';
export { processContractIds } from './list.js';
export { parsePsinfo, readPsinfo, processFacts, PSINFO_MIN_SIZE, type Psinfo, type ProcessFacts } from './psinfo.js';
export { Contracts, contracts } from './contracts.js';
