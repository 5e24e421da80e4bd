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

/** A sorted id list as `print_ids` writes it, or `none`; undefined when absent or unreadable. */
function ids(label: string, value: string | undefined): number[] | undefined {
  if (value === undefined || FIELD_ERROR.test(value)) return undefined;
  if (value === 'none') return [];
  const parts = value.split(/\s+/);
  if (!parts.every((p) => /^\d+$/.test(p))) throw malformed(value, `${label} is not a list of ids`);
  return parts.map(Number);
}

/**
 * Parses `ctstat [-v]` output (`ctstat.c`, C locale): a header `CTID ZONEID TYPE STATE HOLDER
 * EVENTS QTIME NTIME`, one whitespace-separated row per contract, and with `-v` tab-led
 * `label: value` lines split at the first `:`. An unknown id prints only the header (→ `[]`).
 * Throws ContractError `'ECOMMAND'` on anything else.
 */
export function parseCtstat(text: string): CtstatEntry[] {
  const lines = text.split('\n');
  const header = lines.findIndex((l) => l.trim() !== '');
  if (header < 0) return [];
  const headerLine = lines[header] ?? '';
  if (!/^CTID\s+ZONEID\s+TYPE\s+STATE\s+HOLDER\s+EVENTS\s+QTIME\s+NTIME\s*$/.test(headerLine)) throw malformed(headerLine, 'no header');
  const entries: CtstatEntry[] = [];
  let current: { row: Omit<CtstatEntry, 'details' | 'members' | 'inherited' | 'errors'>; details: Record<string, string> } | undefined;
  const flush = () => {
    if (current === undefined) return;
    const { row, details } = current;
    const errors: Record<string, string> = {};
    for (const [label, value] of Object.entries(details)) {
      const error = FIELD_ERROR.exec(value);
      if (error !== null) errors[label] = error[1] ?? '';
    }
    entries.push({ ...row, details, errors, members: ids('member processes', details['member processes']), inherited: ids('inherited contracts', details['inherited contracts']) });
  };
  for (const line of lines.slice(header + 1)) {
    if (line.trim() === '') continue;
    if (line.startsWith('\t')) {
      if (current === undefined) throw malformed(line, 'a detail line before any contract');
      const colon = line.indexOf(':');
      if (colon < 0) throw malformed(line, 'a detail line without ":"');
      current.details[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
      continue;
    }
    const f = line.trim().split(/\s+/);
    const [ctid, zoneid, type, state, holder, events] = f;
    if (f.length !== 8 || !/^\d+$/.test(ctid ?? '') || !/^\d+$/.test(zoneid ?? '') || !/^\d+$/.test(events ?? '')) throw malformed(line, 'not a contract row');
    const named = STATES[state ?? ''];
    if (named === undefined) throw malformed(line, `unknown state ${JSON.stringify(state)}`);
    if (holder !== '-' && !/^\d+$/.test(holder ?? '')) throw malformed(line, 'HOLDER is neither an id nor "-"');
    flush();
    current = {
      row: { ctid: Number(ctid), zoneid: Number(zoneid), type: type ?? '', state: named, holder: holder === '-' ? undefined : Number(holder), events: Number(events) },
      details: {},
    };
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

/** `ctstat -v -t process`: every live process contract this zone shows. */
export async function ctstatProcessContracts(): Promise<CtstatEntry[]> {
  const { exitCode, stdout, stderr } = await runTool('ctstat', ['-v', '-t', 'process']);
  if (exitCode !== 0) throw new ContractError(`ctstat -v -t process exited ${exitCode}: ${stderr.trim()}`, 'ECOMMAND', 'ctstat');
  return parseCtstat(stdout);
}

/** Throws a TypeError unless `ctid` is a positive integer (ids reach argument arrays only as checked integers). */
export function checkId(ctid: number, option = 'ctid'): void {
  if (!Number.isSafeInteger(ctid) || ctid <= 0) throw new TypeError(`Invalid option \`${option}\`: got ${String(ctid)}, expected a positive integer.`);
}
