import { describe, expect, it } from 'vitest';
import { ContractError } from '../errors.js';
import { ctstatOutcome, parseCtstat } from './ctstat.js';

// The sample of docs/illumos.md, as ctstat.c prints it (`%-7ld %-7ld …` rows, tab-led details).
const SAMPLE = [
  'CTID    ZONEID  TYPE    STATE   HOLDER  EVENTS  QTIME   NTIME   ',
  '57      0       process owned   1234    0       -       -       ',
  '\tcookie:                0',
  '\tcritical event set:    hwerr empty',
  '\tparameter set:         noorphan',
  '\tmember processes:      1240 1241',
  '',
].join('\n');

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return ContractError.isInstance(error) ? error.code : 'not a ContractError';
  }
  return undefined;
}

describe('parseCtstat', () => {
  it('reads the reference sample: row, labels split at the first colon, sorted members', () => {
    const [entry, ...rest] = parseCtstat(SAMPLE);
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({ ctid: 57, zoneid: 0, type: 'process', state: 'owned', holder: 1234, events: 0, members: [1240, 1241], aux: undefined });
    expect(entry?.details).toEqual({ cookie: '0', 'critical event set': 'hwerr empty', 'parameter set': 'noorphan', 'member processes': '1240 1241' });
    expect(entry?.inherited).toBeUndefined();
  });

  it('reads several contracts, "none" lists, "inherit" and "-" holders, and values holding colons', () => {
    const text = [
      'CTID    ZONEID  TYPE    STATE   HOLDER  EVENTS  QTIME   NTIME   ',
      '12      0       process inherit 9       1       -       -       ',
      '\tmember processes:      none',
      '\tinherited contracts:   31 40',
      '\tservice fmri:          svc:/site/app:default',
      '13      0       process orphan  -       0       -       -       ',
      '\tmember processes:      77',
    ].join('\n');
    const entries = parseCtstat(text);
    expect(entries.map((e) => [e.ctid, e.state, e.holder, e.members, e.inherited])).toEqual([
      [12, 'inherited', 9, [], [31, 40]],
      [13, 'orphan', undefined, [77], undefined],
    ]);
    expect(entries[0]?.details['service fmri']).toBe('svc:/site/app:default');
  });

  it('an unknown id prints only the header: no entry', () => {
    expect(parseCtstat('CTID    ZONEID  TYPE    STATE   HOLDER  EVENTS  QTIME   NTIME   \n')).toEqual([]);
    expect(parseCtstat('')).toEqual([]);
  });

  it('rejects malformed output with ECOMMAND', () => {
    const header = 'CTID    ZONEID  TYPE    STATE   HOLDER  EVENTS  QTIME   NTIME';
    expect(codeOf(() => parseCtstat('ctstat: could not open /system/contract/all\n'))).toBe('ECOMMAND');
    expect(codeOf(() => parseCtstat(`${header}\n\tmember processes: 1\n`))).toBe('ECOMMAND');
    expect(codeOf(() => parseCtstat(`${header}\n57 0 process owned 1234\n`))).toBe('ECOMMAND');
    expect(codeOf(() => parseCtstat(`${header}\n57 0 process sleepy 1234 0 - -\n`))).toBe('ECOMMAND');
    expect(codeOf(() => parseCtstat(`${header}\nx7 0 process owned 1234 0 - -\n`))).toBe('ECOMMAND');
    expect(codeOf(() => parseCtstat(`${header}\n57 0 process owned ?? 0 - -\n`))).toBe('ECOMMAND');
    expect(codeOf(() => parseCtstat(`${header}\n57 0 process owned 1 0 - -\n\tno colon here\n`))).toBe('ECOMMAND');
  });
});

describe('other users’ free text in ctstat -v (issue 22.6)', () => {
  const header = 'CTID    ZONEID  TYPE    STATE   HOLDER  EVENTS  QTIME   NTIME   ';
  const row = (id: number, holder: string) => `${String(id).padEnd(7)} 0       process owned   ${holder.padEnd(7)} 0       -       -       `;

  it('an aux with newlines (any user can set one) continues its value instead of failing the parse, and the next contract is read', () => {
    const text = [
      header,
      row(40, '900'),
      '\tmember processes:      901',
      '\taux:                   first line',
      'second line: with a colon',
      '\tmember processes: 1 2 3',
      '',
      row(41, '950'),
      '\tmember processes:      951 952',
      '\taux:                   pg:950:17',
      '',
    ].join('\n');
    const [a, b, ...rest] = parseCtstat(text);
    expect(rest).toEqual([]);
    expect(a).toMatchObject({ ctid: 40, members: [901], aux: 'first line\nsecond line: with a colon\n\tmember processes: 1 2 3' });
    expect(b).toMatchObject({ ctid: 41, holder: 950, members: [951, 952], aux: 'pg:950:17' });
  });

  it('the first value of a label is kept: an injected "member processes" after the real one changes nothing', () => {
    const [entry] = parseCtstat([header, row(42, '1'), '\tmember processes:      5', '\taux:                   x', '\tmember processes:      6 7', ''].join('\n'));
    expect(entry?.members).toEqual([5]);
  });

  it('an empty aux reads as ""; an unparseable member list is an error of that field, not of the whole output', () => {
    const [entry] = parseCtstat([header, row(43, '1'), '\tmember processes:      1 x', '\taux:                   ', ''].join('\n'));
    expect(entry?.aux).toBe('');
    expect(entry?.members).toBeUndefined();
    expect(entry?.errors['member processes']).toMatch(/not a list of process ids/);
  });
});

describe('ctstat -v -i on what it cannot show (issue 14.7)', () => {
  const header = 'CTID    ZONEID  TYPE    STATE   HOLDER  EVENTS  QTIME   NTIME   ';

  it('a device contract: ctstat prints its row, then dies in get_type; that is "no such process contract", not ECOMMAND', () => {
    const result = { exitCode: 1, stdout: `${header}\n88      0       device  owned   321     0       -       -       \n`, stderr: 'ctstat: invalid contract type: device\n' };
    expect(() => ctstatOutcome(88, result)).toThrow(expect.objectContaining({ code: 'ENOENT', message: 'contract 88 is a device contract, not a process contract' }));
    // Even when stdout was lost (buffered output of a dying process), stderr says it.
    expect(codeOf(() => ctstatOutcome(88, { ...result, stdout: '' }))).toBe('ENOENT');
  });

  it('"(error: …)" values are the field’s error, not a malformed list: members unreadable is a clear error with its errno', () => {
    const stdout = `${header}\n57      0       process owned   1234    0       -       -       \n\tmember processes:      (error: Not enough space)\n\tservice fmri:          (error: No such file or directory)\n`;
    const [entry] = parseCtstat(stdout);
    expect(entry?.members).toBeUndefined();
    expect(entry?.errors).toEqual({ 'member processes': 'Not enough space', 'service fmri': 'No such file or directory' });
    expect(() => ctstatOutcome(57, { exitCode: 0, stdout, stderr: '' })).toThrow(
      expect.objectContaining({ code: 'ENOMEM', message: 'ctstat could not read the member processes of contract 57: Not enough space' }),
    );
  });

  it('an unknown id (header only) is undefined; another failure stays ECOMMAND with ctstat’s words', () => {
    expect(ctstatOutcome(9, { exitCode: 0, stdout: `${header}\n`, stderr: '' })).toBeUndefined();
    expect(codeOf(() => ctstatOutcome(9, { exitCode: 1, stdout: '', stderr: 'ctstat: could not open contract status file: Permission denied\n' }))).toBe('ECOMMAND');
  });
});
