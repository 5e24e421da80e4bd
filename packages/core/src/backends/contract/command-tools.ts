import { ctstatContract, ctstatProcessContracts, ctstatProcessRows, pkillContract, processFacts, type CtstatEntry, type ProcessFacts } from '@pg/contract';

/**
 * What the command path runs: `ctstat` (one contract with `-v -i`, rows without `-v`, every
 * process contract with `-v`), `pkill -c`, and the member facts of psinfo. The real ones are
 * `commandTools`; a test on a machine without illumos passes fakes of them, named as such.
 */
export interface CommandTools {
  /** `ctstat -v -i CTID`: undefined when there is no such process contract. */
  ctstat(ctid: number): Promise<CtstatEntry | undefined>;
  /** `ctstat -t process`: rows only, which no other user's text can forge. */
  ctstatRows(): Promise<CtstatEntry[]>;
  /** `ctstat -v -t process`: every process contract with details, read leniently. */
  ctstatAll(): Promise<CtstatEntry[]>;
  /** `pkill -SIGNAL -c CTID`: false when nothing matched. */
  pkill(ctid: number, signal: number): Promise<boolean>;
  readonly facts: ProcessFacts;
}

/** The commands illumos ships, by absolute path, and procfs. */
export const commandTools: CommandTools = Object.freeze({
  ctstat: ctstatContract,
  ctstatRows: ctstatProcessRows,
  ctstatAll: ctstatProcessContracts,
  pkill: pkillContract,
  facts: processFacts,
});
