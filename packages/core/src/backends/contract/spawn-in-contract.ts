import type { ChildProcess } from 'node:child_process';
import type { Contracts, TemplateTerms } from '@pg/contract';
import type { OwnerExitPolicy } from '../../backend.js';
import { ContractBackendError } from '../../errors/index.js';

/**
 * The terms of every contract pg creates. `empty` critical so it stays queued until
 * acknowledged; `hwerr` must stay critical and fatal as by default (unprivileged, only EMPTY or
 * fatal events may be critical). No informative events: nothing reads them. `CT_PR_KEEP_EXEC` is
 * never set (EINVAL on older gate). The fatal set is set before the critical set: setting it can
 * move critical events to the informative set (`ctmpl_process_set`), never the other way.
 *
 * `aux` is pg's mark (`markOf`): `openGroup` refuses a contract without it unless forced, and
 * `listGroups` finds orphaned `'keep'` groups by it.
 *
 * `onOwnerExit: 'kill'` adds `noorphan`: abandoning the contract, or this process dying (even by
 * SIGKILL: the kernel abandons what an exiting process holds), makes the kernel SIGKILL every
 * member it may kill atomically (docs/illumos.md, "Atomic SIGKILL"). `'keep'` leaves it out: when
 * this process exits the contract is orphaned (`inherit` is not set, so no regent takes it over),
 * its members run on, held by no one, until the last exits and the kernel destroys it;
 * `openGroup(id)` can still watch and kill it, by repeated `sigsend`.
 */
export function contractTerms(onOwnerExit: OwnerExitPolicy, aux: string): TemplateTerms {
  return Object.freeze<TemplateTerms>({
    params: onOwnerExit === 'kill' ? ['noorphan'] : [],
    informative: [],
    fatal: ['hwerr'],
    critical: ['empty', 'hwerr'],
    aux,
  });
}

/** What `startInContract` produced: the child, and the contract it was born in. */
export interface Started {
  readonly child: ChildProcess;
  /** Undefined only when the fork itself failed: the child's 'error' event follows. */
  readonly ctid: number | undefined;
}

/**
 * Forks `start()`'s child inside a new contract, following svc.startd `fork_common` and
 * ctrun: activate the template, fork, read `latest`, clear. **All synchronous, on this thread**:
 * the active template and `latest` are per LWP, and `child_process.spawn` forks in the calling
 * thread (libuv: on illumos one `fork`, then `execvp` in the child). `start` spawns the absolute
 * path core resolved, so a failed exec names the file tried; the one fork makes one contract.
 *
 * The template is cleared in `finally`, so a throwing `start` never leaves it active (the next
 * unrelated fork would land in a contract). `latest` is read before the clear and compared with
 * its value before activation: a contract created by a spawn that then failed (exec error) is
 * abandoned, since an owned contract counts against `project.max-contracts` until then. (The
 * thread's `latest` keeps one more contract referenced, and counted, until the next one is created.)
 */
export function startInContract(contracts: Contracts, terms: TemplateTerms, start: () => ChildProcess): Started {
  const before = contracts.latest();
  const template = contracts.openTemplate(terms);
  let child: ChildProcess | undefined;
  let failure: { error: unknown } | undefined;
  let after: number | undefined;
  try {
    template.activate();
    try {
      child = start();
    } catch (error) {
      failure = { error };
    }
    after = contracts.latest();
  } finally {
    try {
      template.clear();
    } finally {
      template.close();
    }
  }
  const created = after !== undefined && after !== before ? after : undefined;
  if (failure !== undefined || child === undefined) {
    if (created !== undefined) contracts.abandon(created);
    throw failure === undefined ? new ContractBackendError('spawn returned no child') : failure.error;
  }
  if (created === undefined) {
    // libuv reports a failed fork through the 'error' event (child.pid undefined): no contract
    // is expected then. A child that exists without a new contract means the template did not
    // apply, and the child is outside any group pg controls: kill it rather than lose it.
    if (child.pid !== undefined) {
      child.kill('SIGKILL');
      throw new ContractBackendError(`the child (pid ${child.pid}) was not placed in a new contract; it was killed`);
    }
    return { child, ctid: undefined };
  }
  return { child, ctid: created };
}
