import { ContractError } from '../errors.js';
import type { ContractState } from '../names.js';
import { runTool, type CommandResult } from './run.js';
import { errnoOfText } from './strerror.js';

/** One contract as `ctstat -v` prints it. */
export interface CtstatEntry {
  readonly ctid: number;
  readonly zoneid: number;
  readonly type: string;
  readonly state: ContractState;
  /** A pid when owned, the regent's contract id when inherited, undefined (`-`) when orphaned or dead. */
  readonly holder: number | undefined;
  readonly events: number;
  /** Every tab-led `label: value` line, trimmed (informative/critical/fatal event set, parameter set, …). */
  readonly details: Readonly<Record<string, string>>;
  /** `member processes`, sorted pids; undefined without `-v`. */
  readonly members: readonly number[] | undefined;
  /** `inherited contracts`; undefined without `-v`. */
  readonly inherited: readonly number[] | undefined;
  /** `aux`: the creator's aux string (`ctrun -A`), `''` when none was set; undefined without `-v`. */
  readonly aux: string | undefined;
  /**
   * Fields ctstat could not read, by label, with its reason (`verb_error` prints
   * `(error: Not enough space)` in place of the value). A list among them is undefined above.
   */
  readonly errors: Readonly<Record<string, string>>;
}

const STATES: Readonly<Record<string, ContractState>> = { owned: 'owned', inherit: 'inherited', orphan: 'orphan', dead: 'dead' };

function malformed(line: string, why: string): ContractError {
  return new ContractError(`unexpected ctstat output (${why}): ${JSON.stringify(line)}`, 'ECOMMAND', 'ctstat');
}

/** `(error: …)`: what ctstat's `verb_error` prints for a field it could not read. */
const FIELD_ERROR = /^\(error: (.*)\)$/;

/** A sorted id list as `print_ids` writes it, or `none`; undefined when absent, unreadable or not a list. */
function ids(value: string | undefined): number[] | undefined {
  if (value === undefined || FIELD_ERROR.test(value)) return undefined;
  if (value === 'none') return [];
  const parts = value.split(/\s+/);
  return parts.every((p) => /^\d+$/.test(p)) ? parts.map(Number) : undefined;
}

type Row = Omit<CtstatEntry, 'details' | 'members' | 'inherited' | 'errors' | 'aux'>;

/** A contract row (`%-7ld %-7ld %-7s %-7s %-7s %-7d %-7s %-8s`), or undefined for any other line. */
function parseRow(line: string): Row | undefined {
  const f = line.trim().split(/\s+/);
  const [ctid, zoneid, type, state, holder, events] = f;
  if (f.length !== 8 || !/^\d+$/.test(ctid ?? '') || !/^\d+$/.test(zoneid ?? '') || !/^\d+$/.test(events ?? '')) return undefined;
  const named = STATES[state ?? ''];
  if (named === undefined || (holder !== '-' && !/^\d+$/.test(holder ?? ''))) return undefined;
  return { ctid: Number(ctid), zoneid: Number(zoneid), type: type ?? '', state: named, holder: holder === '-' ? undefined : Number(holder), events: Number(events) };
}

/**
 * Parses `ctstat [-v]` output (`ctstat.c`, C locale): a header `CTID ZONEID TYPE STATE HOLDER
 * EVENTS QTIME NTIME`, one whitespace-separated row per contract, and with `-v` tab-led
 * `label: value` lines split at the first `:`. An unknown id prints only the header (→ `[]`).
 *
 * The details are read leniently, because three of them are text other users choose: `aux`
 * (any process, no privilege), `creator` (an executable's name) and `service fmri`. ctstat prints
 * them with `%s\n`, so a newline in one splits it over several lines. A line that is neither a
 * contract row nor a new label continues the last value; a label seen twice for one contract
 * keeps its first value (the kernel's fields come before the free text: `aux` is last), the
 * later line continuing the last value. A row-shaped line inside free text cannot be told from
 * a real row: a caller that must not be fooled reads one contract (`ctstat -v -i ID`, where the
 * first row is the real one) or rows without `-v`. Throws ContractError `'ECOMMAND'` only for
 * output that is not ctstat's (no header, a first line that is no row, a detail line before any
 * label it could continue).
 */
export function parseCtstat(text: string): CtstatEntry[] {
  const lines = text.split('\n');
  const header = lines.findIndex((l) => l.trim() !== '');
  if (header < 0) return [];
  const headerLine = lines[header] ?? '';
  if (!/^CTID\s+ZONEID\s+TYPE\s+STATE\s+HOLDER\s+EVENTS\s+QTIME\s+NTIME\s*$/.test(headerLine)) throw malformed(headerLine, 'no header');
  const entries: CtstatEntry[] = [];
  let current: { row: Row; details: Record<string, string>; last: string | undefined } | undefined;
  const flush = () => {
    if (current === undefined) return;
    const { row, details } = current;
    // A value's continuation can only end with the blank lines a newline-ended value leaves.
    for (const [label, value] of Object.entries(details)) details[label] = value.replace(/\n+$/, '');
    const errors: Record<string, string> = {};
    for (const [label, value] of Object.entries(details)) {
      const error = FIELD_ERROR.exec(value);
      if (error !== null) errors[label] = error[1] ?? '';
    }
    const members = ids(details['member processes']);
    if (members === undefined && details['member processes'] !== undefined && errors['member processes'] === undefined) {
      errors['member processes'] = `not a list of process ids: ${JSON.stringify(details['member processes'])}`;
    }
    entries.push({ ...row, details, errors, members, inherited: ids(details['inherited contracts']), aux: details.aux });
  };
  for (const line of lines.slice(header + 1)) {
    if (line.trim() === '' && current?.last === undefined) continue;
    const row = line.startsWith('\t') ? undefined : parseRow(line);
    if (row !== undefined) {
      flush();
      current = { row, details: {}, last: undefined };
      continue;
    }
    if (current === undefined) throw malformed(line, 'not a contract row');
    const colon = line.startsWith('\t') ? line.indexOf(':') : -1;
    const label = colon < 0 ? undefined : line.slice(0, colon).trim();
    if (label !== undefined && label !== '' && !(label in current.details)) {
      current.details[label] = line.slice(colon + 1).trim();
      current.last = label;
      continue;
    }
    if (current.last === undefined) throw malformed(line, 'a detail line without ":"');
    // A newline inside free text (aux, creator, fmri): the line continues the last value.
    current.details[current.last] += `\n${line}`;
  }
  flush();
  return entries;
}

/**
 * `ctstat -v -i CTID`: the process contract, or undefined when it does not exist. Throws
 * ContractError `'ENOENT'` for a contract of another type (ctstat prints its row, then dies in
 * `get_type`: it knows verbose fields for process contracts only), and the errno named by
 * ctstat's reason when it could not read the members (`(error: …)`).
 */
export async function ctstatContract(ctid: number): Promise<CtstatEntry | undefined> {
  checkId(ctid);
  return ctstatOutcome(ctid, await runTool('ctstat', ['-v', '-i', String(ctid)]));
}

/** @internal What one `ctstat -v -i CTID` run says about contract `ctid`. */
export function ctstatOutcome(ctid: number, { exitCode, stdout, stderr }: CommandResult): CtstatEntry | undefined {
  const type = /invalid contract type: (\S+)/.exec(stderr)?.[1] ?? rowType(stdout, ctid);
  if (type !== undefined && type !== 'process') {
    throw new ContractError(`contract ${ctid} is a ${type} contract, not a process contract`, 'ENOENT', 'ctstat');
  }
  if (exitCode !== 0) throw new ContractError(`ctstat -v -i ${ctid} exited ${exitCode}: ${stderr.trim()}`, 'ECOMMAND', 'ctstat');
  const entry = parseCtstat(stdout).find((e) => e.ctid === ctid);
  const why = entry?.errors['member processes'];
  if (why !== undefined) {
    throw new ContractError(`ctstat could not read the member processes of contract ${ctid}: ${why}`, errnoOfText(why) ?? 'EIO', 'ctstat');
  }
  return entry;
}

/** The TYPE column of `ctid`'s row, read leniently (ctstat may have died right after printing it). */
function rowType(stdout: string, ctid: number): string | undefined {
  for (const line of stdout.split('\n')) {
    const [id, , type] = line.trim().split(/\s+/);
    if (id === String(ctid)) return type;
  }
  return undefined;
}

/**
 * `ctstat -t process`, without `-v`: one row per live process contract (id, state, holder), no
 * details. Rows are printed by ctstat alone: no other user's text can appear in them, so this is
 * where a holder is looked up.
 */
export async function ctstatProcessRows(): Promise<CtstatEntry[]> {
  const { exitCode, stdout, stderr } = await runTool('ctstat', ['-t', 'process']);
  if (exitCode !== 0) throw new ContractError(`ctstat -t process exited ${exitCode}: ${stderr.trim()}`, 'ECOMMAND', 'ctstat');
  return parseCtstat(stdout);
}

/**
 * `ctstat -v -t process`: every live process contract this zone shows, with details. Other
 * users' free text (aux, creator) is read leniently (see `parseCtstat`) and can even forge a
 * row: confirm what matters with `ctstatContract(id)`.
 */
export async function ctstatProcessContracts(): Promise<CtstatEntry[]> {
  const { exitCode, stdout, stderr } = await runTool('ctstat', ['-v', '-t', 'process']);
  if (exitCode !== 0) throw new ContractError(`ctstat -v -t process exited ${exitCode}: ${stderr.trim()}`, 'ECOMMAND', 'ctstat');
  return parseCtstat(stdout);
}

/** Throws a TypeError unless `ctid` is a positive integer (ids reach argument arrays only as checked integers). */
export function checkId(ctid: number, option = 'ctid'): void {
  if (!Number.isSafeInteger(ctid) || ctid <= 0) throw new TypeError(`Invalid option \`${option}\`: got ${String(ctid)}, expected a positive integer.`);
}
