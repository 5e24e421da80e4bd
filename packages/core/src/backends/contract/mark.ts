import type { ProcessFacts } from '@pg/contract';

/**
 * The owner of a group: a pid, and its start time (psinfo `pr_start`, ns) so that a later
 * process given the same pid is never taken for it. Start is undefined where procfs did not
 * show it. (Core's own owner identity is pid plus pidfd id or start time from Linux /proc; on
 * illumos the start time comes from psinfo, read here.)
 */
export interface ContractOwner {
  readonly pid: number;
  readonly startNs: bigint | undefined;
}

const MARK = /^pg:(\d{1,10}):(\d*)$/;

const selves = new WeakMap<ProcessFacts, ContractOwner>();

/** This process as an owner, as `facts` see it. Read once: neither its pid nor its start time changes. */
export function selfOwner(facts: ProcessFacts): ContractOwner {
  let self = selves.get(facts);
  if (self === undefined) selves.set(facts, (self = { pid: process.pid, startNs: facts.psinfo(process.pid)?.startNs }));
  return self;
}

/**
 * pg's mark on a contract it creates, the creator's aux string (`ct_pr_tmpl_set_svc_aux`,
 * `ctrun -A`): `pg:PID:START`. Any process may set any aux without privilege and it is not
 * inherited, so the mark tells pg's groups from the contracts of services and other tools (a
 * mistyped id must not kill an SMF service); it proves nothing against someone who forges it.
 */
export function markOf(owner: ContractOwner): string {
  return `pg:${owner.pid}:${owner.startNs ?? ''}`;
}

/** The owner a mark names, or undefined when `aux` is not pg's mark (another tool's, a service's, `''`). */
export function parseMark(aux: string | undefined): ContractOwner | undefined {
  const match = aux === undefined ? null : MARK.exec(aux);
  if (match === null) return undefined;
  return { pid: Number(match[1]), startNs: match[2] === '' ? undefined : BigInt(match[2] ?? '') };
}

/** Whether `owner` still runs: the pid exists and, where the mark has one, started at the same time. */
export function ownerAlive(facts: ProcessFacts, owner: ContractOwner): boolean {
  const info = facts.psinfo(owner.pid);
  return info !== undefined && (owner.startNs === undefined || info.startNs === owner.startNs);
}

/**
 * Why contract `ctid` is not one of pg's (for `BackendGroup.foreign`), or undefined when it
 * carries pg's mark. Names the service or creator, which is what a user recognizes.
 */
export function foreignReason(ctid: number, details: { readonly aux?: string | undefined; readonly fmri?: string | undefined; readonly creator?: string | undefined }): string | undefined {
  if (parseMark(details.aux) !== undefined) return undefined;
  const who = [details.fmri ? `service ${details.fmri}` : undefined, details.creator ? `created by ${details.creator}` : undefined].filter((s) => s !== undefined);
  return `contract ${ctid} carries no pg mark (aux ${JSON.stringify(details.aux ?? '')}${who.length > 0 ? `, ${who.join(', ')}` : ''})`;
}
