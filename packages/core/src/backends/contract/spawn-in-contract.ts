import type { ChildProcess } from 'node:child_process';
import type { TemplateTerms } from '@pg/contract';
import { ProcessGroupError } from '../../errors/index.js';
import type { ContractBinding } from './binding.js';

/**
 * The terms of every contract pg creates. `noorphan`: abandoning the contract, or this process
 * dying, makes the kernel SIGKILL every member atomically (reference/illumos.md, "Atomic
 * SIGKILL"). `empty` critical so it stays queued until acknowledged; `hwerr` must stay critical
 * and fatal as by default (unprivileged, only EMPTY or fatal events may be critical). No
 * informative events: nothing reads them. `CT_PR_KEEP_EXEC` is never set (EINVAL on older gate).
 */
export const CONTRACT_TERMS: TemplateTerms = Object.freeze<TemplateTerms>({
  params: ['noorphan'],
  informative: [],
  fatal: ['hwerr'],
  critical: ['empty', 'hwerr'],
});

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
 * thread (libuv). `start` must spawn an absolute path: for a bare name libuv tries one
 * `posix_spawn` per PATH entry, each fork a new (empty, held) contract.
 *
 * The template is cleared in `finally`, so a throwing `start` never leaves it active (the next
 * unrelated fork would land in a contract). `latest` is read before the clear and compared with
 * its value before activation: a contract created by a spawn that then failed (exec error) is
 * abandoned, since an owned empty contract counts against `project.max-contracts` until then.
 */
export function startInContract(binding: ContractBinding, start: () => ChildProcess): Started {
  const before = binding.latest();
  const template = binding.openTemplate(CONTRACT_TERMS);
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
    after = binding.latest();
  } finally {
    try {
      template.clear();
    } finally {
      template.close();
    }
  }
  const created = after !== undefined && after !== before ? after : undefined;
  if (failure !== undefined || child === undefined) {
    if (created !== undefined) binding.abandon(created);
    throw failure === undefined ? new ProcessGroupError('ERR_PG_CONTRACT', 'spawn returned no child') : failure.error;
  }
  if (created === undefined) {
    // libuv reports a failed fork through the 'error' event (child.pid undefined): no contract
    // is expected then. A child that exists without a new contract means the template did not
    // apply, and the child is outside any group pg controls: kill it rather than lose it.
    if (child.pid !== undefined) {
      child.kill('SIGKILL');
      throw new ProcessGroupError('ERR_PG_CONTRACT', `the child (pid ${child.pid}) was not placed in a new contract; it was killed`);
    }
    return { child, ctid: undefined };
  }
  return { child, ctid: created };
}
