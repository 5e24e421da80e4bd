import { TEMPLATE_PATH } from './constants.js';
import { check, ContractError } from './errors.js';
import { closeCtfs, openCtfs } from './fds.js';
import { libcontract, type Libcontract } from './ffi.js';
import { eventBits, fatalBits, paramBits, type ContractEventName, type ContractParam } from './names.js';

/** `CT_PARAM_MAX_SIZE` (`sys/contract.h`): a term's size, the NUL of a string included, is at most this. */
const AUX_MAX = 8192;

/** The terms of new contracts. Unset fields keep the kernel's defaults. */
export interface TemplateTerms {
  /** Events the holder must acknowledge (default: empty, hwerr). Unprivileged, only `empty` and fatal events may be critical (EPERM otherwise). */
  readonly critical?: readonly ContractEventName[];
  /** Events queued for the holder without acknowledgement (default: core, signal). */
  readonly informative?: readonly ContractEventName[];
  /** Events that kill every member: only core, signal, hwerr (default: hwerr). */
  readonly fatal?: readonly ContractEventName[];
  /** Parameters; `noorphan` makes abandoning the contract (or the holder's death) SIGKILL every member atomically. */
  readonly params?: readonly ContractParam[];
  /**
   * The creator's aux string (`ct_pr_tmpl_set_svc_aux`), read back by `readStatus(id, 'all').aux`
   * and `ctstat -v`. Needs no privilege and is not inherited; `''` clears it. At most 8191 bytes
   * (`CT_PARAM_MAX_SIZE`); a NUL ends it early, so one is refused here.
   */
  readonly aux?: string;
}

/**
 * A process contract template (`/system/contract/process/template`, a fresh one per open).
 * While active on a thread, every process that thread forks starts in a new contract with these
 * terms, before its first instruction.
 *
 * illumos only: `open` throws ContractError `'EUNSUPPORTED'`/`'EFFI'` where libcontract cannot load.
 * **The active template is per LWP** (`lwp_ct_active`): activate, fork, read `latest` and clear
 * on one thread, synchronously (never koffi `.async`, never async `fs`).
 */
export class ProcessTemplate {
  readonly #lib: Libcontract;
  #fd: number | undefined;

  /** @internal Use `ProcessTemplate.open`. */
  constructor(lib: Libcontract, fd: number) {
    this.#lib = lib;
    this.#fd = fd;
  }

  /**
   * Opens a fresh template and sets `terms` in svc.startd's order (param, informative, fatal,
   * critical), then the aux string. The order matters: setting the parameters or the fatal set
   * can move events from the critical to the informative set (`ctmpl_process_set`), and setting
   * the critical set last undoes nothing it asked for. A failed open is a ContractError with the errno's name and `call` `'open'`.
   */
  static open(terms: TemplateTerms = {}): ProcessTemplate {
    return openTemplateWith(libcontract(), terms);
  }

  /** Sets the critical event set (`ct_tmpl_set_critical`). */
  setCritical(events: readonly ContractEventName[]): void {
    check('ct_tmpl_set_critical', this.#lib.ct_tmpl_set_critical(this.fd, eventBits(events, 'critical')));
  }
  /** Sets the informative event set (`ct_tmpl_set_informative`). */
  setInformative(events: readonly ContractEventName[]): void {
    check('ct_tmpl_set_informative', this.#lib.ct_tmpl_set_informative(this.fd, eventBits(events, 'informative')));
  }
  /** Sets the fatal event set (`ct_pr_tmpl_set_fatal`); only core, signal and hwerr. */
  setFatal(events: readonly ContractEventName[]): void {
    check('ct_pr_tmpl_set_fatal', this.#lib.ct_pr_tmpl_set_fatal(this.fd, fatalBits(events)));
  }
  /** Sets the parameters (`ct_pr_tmpl_set_param`). */
  setParams(params: readonly ContractParam[]): void {
    check('ct_pr_tmpl_set_param', this.#lib.ct_pr_tmpl_set_param(this.fd, paramBits(params)));
  }
  /** Sets the creator's aux string (`ct_pr_tmpl_set_svc_aux`): a label any process may set. */
  setAux(aux: string): void {
    if (typeof aux !== 'string' || aux.includes('\0') || Buffer.byteLength(aux) >= AUX_MAX) {
      throw new TypeError(`Invalid option \`aux\`: got ${JSON.stringify(aux)}, expected a string without NUL of fewer than ${AUX_MAX} bytes.`);
    }
    check('ct_pr_tmpl_set_svc_aux', this.#lib.ct_pr_tmpl_set_svc_aux(this.fd, aux));
  }
  /** Makes this the calling thread's active template; the kernel copies it, so `close` may follow. */
  activate(): void {
    check('ct_tmpl_activate', this.#lib.ct_tmpl_activate(this.fd));
  }
  /** Clears the calling thread's active template (any process-template fd clears it). */
  clear(): void {
    check('ct_tmpl_clear', this.#lib.ct_tmpl_clear(this.fd));
  }
  /** Closes the template fd; harmless twice. An active template stays active after close. */
  close(): void {
    if (this.#fd === undefined) return;
    const fd = this.#fd;
    this.#fd = undefined;
    closeCtfs(this.#lib, fd);
  }

  private get fd(): number {
    if (this.#fd === undefined) throw new ContractError('the template is closed', 'EBADF', 'ProcessTemplate');
    return this.#fd;
  }
}

/** @internal `ProcessTemplate.open` over a given binding. */
export function openTemplateWith(lib: Libcontract, terms: TemplateTerms): ProcessTemplate {
  let fd: number;
  try {
    // O_RDWR and nothing else (`ctfs_tmpl_open`); each open is a fresh template.
    fd = openCtfs(lib, TEMPLATE_PATH, 'rw');
  } catch (cause) {
    if (!ContractError.isInstance(cause)) throw cause;
    throw new ContractError(`cannot open a process template (${TEMPLATE_PATH}): ${cause.code}`, cause.code, 'open', { cause });
  }
  const template = new ProcessTemplate(lib, fd);
  try {
    if (terms.params !== undefined) template.setParams(terms.params);
    if (terms.informative !== undefined) template.setInformative(terms.informative);
    if (terms.fatal !== undefined) template.setFatal(terms.fatal);
    if (terms.critical !== undefined) template.setCritical(terms.critical);
    if (terms.aux !== undefined) template.setAux(terms.aux);
  } catch (error) {
    template.close();
    throw error;
  }
  return template;
}
