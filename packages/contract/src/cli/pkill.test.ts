import { describe, expect, it } from 'vitest';
import { pkillOutcome } from './pgrep.js';

describe('pkill -c outcomes (issue 14.5)', () => {
  it('exit 0 with "Failed to signal" warnings is a failure: EPERM for "Not owner", not success', () => {
    const stderr = 'pkill: Failed to signal pid 1240: Not owner\npkill: Failed to signal pid 1241: Not owner\n';
    expect(() => pkillOutcome(57, 15, { exitCode: 0, stdout: '', stderr })).toThrow(
      expect.objectContaining({ code: 'EPERM', call: 'pkill', message: 'pkill -15 -c 57 could not signal members 1240 (Not owner), 1241 (Not owner)' }),
    );
  });

  it('a member that exited between the scan and the kill (No such process) is not a failure', () => {
    expect(pkillOutcome(57, 9, { exitCode: 0, stdout: '', stderr: 'pkill: Failed to signal pid 1240: No such process\n' })).toBe(true);
  });

  it('exit 0 is a match, exit 1 none, anything else ECOMMAND', () => {
    expect(pkillOutcome(57, 15, { exitCode: 0, stdout: '', stderr: '' })).toBe(true);
    expect(pkillOutcome(57, 15, { exitCode: 1, stdout: '', stderr: '' })).toBe(false);
    expect(() => pkillOutcome(57, 15, { exitCode: 2, stdout: '', stderr: 'pkill: illegal option -- c\n' })).toThrow(expect.objectContaining({ code: 'ECOMMAND' }));
  });
});
