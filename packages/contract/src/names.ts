import { CT_PR_ALLFATAL, CT_PR_EV, CT_PR_PARAM } from './constants.js';
import { ContractError } from './errors.js';

/** A process contract event, by the name `ctrun` and `ctstat` use. */
export type ContractEventName = 'empty' | 'fork' | 'exit' | 'core' | 'signal' | 'hwerr';
/** A process contract parameter, by the name `ctrun -o` uses. */
export type ContractParam = 'inherit' | 'noorphan' | 'pgrponly' | 'regent';
/** A contract's state: held, waiting for its regent to adopt it, held by no one, or gone. */
export type ContractState = 'owned' | 'inherited' | 'orphan' | 'dead';

const EVENT_BITS: Readonly<Record<ContractEventName, number>> = {
  empty: CT_PR_EV.EMPTY,
  fork: CT_PR_EV.FORK,
  exit: CT_PR_EV.EXIT,
  core: CT_PR_EV.CORE,
  signal: CT_PR_EV.SIGNAL,
  hwerr: CT_PR_EV.HWERR,
};
const PARAM_BITS: Readonly<Record<ContractParam, number>> = {
  inherit: CT_PR_PARAM.INHERIT,
  noorphan: CT_PR_PARAM.NOORPHAN,
  pgrponly: CT_PR_PARAM.PGRPONLY,
  regent: CT_PR_PARAM.REGENT,
};
const STATES: readonly ContractState[] = ['owned', 'inherited', 'orphan', 'dead'];

/** The bit set of a list of event names; throws TypeError naming `option` for an unknown one. */
export function eventBits(events: readonly ContractEventName[], option: string): number {
  let bits = 0;
  for (const e of events) {
    const bit = (EVENT_BITS as Record<string, number | undefined>)[e];
    if (bit === undefined) throw new TypeError(`Invalid option \`${option}\`: got ${JSON.stringify(e)}, expected one of ${Object.keys(EVENT_BITS).join(', ')}.`);
    bits |= bit;
  }
  return bits;
}

/** The fatal set: only core, signal and hwerr can be fatal (CT_PR_ALLFATAL). */
export function fatalBits(events: readonly ContractEventName[]): number {
  const bits = eventBits(events, 'fatal');
  if ((bits & ~CT_PR_ALLFATAL) !== 0) {
    throw new TypeError(`Invalid option \`fatal\`: got ${JSON.stringify(events)}, expected only "core", "signal" and "hwerr".`);
  }
  return bits;
}

/** The bit set of a list of parameter names. */
export function paramBits(params: readonly ContractParam[]): number {
  let bits = 0;
  for (const p of params) {
    const bit = (PARAM_BITS as Record<string, number | undefined>)[p];
    if (bit === undefined) throw new TypeError(`Invalid option \`params\`: got ${JSON.stringify(p)}, expected one of ${Object.keys(PARAM_BITS).join(', ')}.`);
    bits |= bit;
  }
  return bits;
}

/** The names of the parameters set in `bits` (unknown bits are left out). */
export function paramNames(bits: number): ContractParam[] {
  return (Object.entries(PARAM_BITS) as [ContractParam, number][]).filter(([, bit]) => (bits & bit) !== 0).map(([name]) => name);
}

/**
 * The name of an event type as `ct_event_get_type` returns it (exactly one bit), or `undefined`
 * for a value that is not a single known process event.
 */
export function eventName(type: number): ContractEventName | undefined {
  for (const [name, bit] of Object.entries(EVENT_BITS)) if (bit === type) return name as ContractEventName;
  return undefined;
}

/** The name of a `ctstate_t` value. */
export function stateName(state: number): ContractState {
  const name = STATES[state];
  if (name === undefined) throw new ContractError(`unknown contract state ${state}`, 'EINVAL', 'ct_status_get_state');
  return name;
}
